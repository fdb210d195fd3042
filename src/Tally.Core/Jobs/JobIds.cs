using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tally.Jobs;

/// <summary>
/// Job ids: 28 lower-case hex digits, the first 12 a reversed millisecond clock and the last 16
/// (64 bits) random, so ids sort newest first and two ids made in the same millisecond collide
/// with odds of one in 2^64 per pair.
/// </summary>
public static class JobIds
{
    /// <summary>An id's length.</summary>
    public const int Length = 28;

    private const long ClockMax = 0xFFFF_FFFF_FFFF; // 12 hex digits of milliseconds: until the year 10889

    /// <summary>A new id for a job enqueued at <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        var reversed = ClockMax - now.ToUnixTimeMilliseconds();
        return $"{reversed:x12}{BinaryPrimitives.ReadUInt64BigEndian(random):x16}";
    }

    /// <summary>Whether <paramref name="id"/> has the shape of a job id (and is so safe to use as a table key).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;
}
