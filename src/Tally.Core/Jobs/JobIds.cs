using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tally.Jobs;

/// <summary>
/// Job ids: 20 lower-case hex digits, the first 12 a reversed millisecond clock and the last 8 random,
/// so ids sort newest first in the table and listing recent jobs reads the newest rows first.
/// </summary>
public static class JobIds
{
    private const long ClockMax = 0xFFFF_FFFF_FFFF; // 12 hex digits of milliseconds: until the year 10889

    /// <summary>A new id for a job enqueued at <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        var reversed = ClockMax - now.ToUnixTimeMilliseconds();
        return $"{reversed:x12}{BinaryPrimitives.ReadUInt32BigEndian(random):x8}";
    }

    /// <summary>Whether <paramref name="id"/> has the shape of a job id (and is so safe to use as a table key).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: 20 } && id.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;
}
