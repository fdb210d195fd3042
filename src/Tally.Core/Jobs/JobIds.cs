using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tally.Jobs;

/// <summary>
/// Job ids: 32 lower-case hex digits. The first 28 are the enqueue request's key (the table partition
/// all its jobs share): a reversed millisecond clock (12 digits), so ids sort newest first, then 64
/// random bits, so two requests in the same millisecond collide with odds of one in 2^64. The last 4
/// number the job within its request.
/// </summary>
public static class JobIds
{
    /// <summary>A request key's length.</summary>
    public const int KeyLength = 28;

    /// <summary>An id's length.</summary>
    public const int Length = KeyLength + 4;

    private const long ClockMax = 0xFFFF_FFFF_FFFF; // 12 hex digits of milliseconds: until the year 10889

    /// <summary>A new request key made at <paramref name="now"/>.</summary>
    public static string NewKey(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        var reversed = ClockMax - now.ToUnixTimeMilliseconds();
        return $"{reversed:x12}{BinaryPrimitives.ReadUInt64BigEndian(random):x16}";
    }

    /// <summary>The first request key of <paramref name="time"/>'s millisecond: keys sort newest first, so a request made then or earlier sorts at or after it.</summary>
    public static string FirstKeyAt(DateTimeOffset time) => $"{ClockMax - time.ToUnixTimeMilliseconds():x12}{0UL:x16}";

    /// <summary>The row key of the <paramref name="index"/>-th job of a request.</summary>
    public static string Row(int index) => index.ToString("x4");

    /// <summary>Whether <paramref name="id"/> has the shape of a job id (and is so safe to use as a table key).</summary>
    public static bool IsValid(string? id) => id is { Length: Length } && IsHex(id);

    /// <summary>Whether <paramref name="key"/> has the shape of a request key.</summary>
    public static bool IsValidKey(string? key) => key is { Length: KeyLength } && IsHex(key);

    /// <summary>The table keys of a valid job id.</summary>
    public static (string PartitionKey, string RowKey) Split(string id) => (id[..KeyLength], id[KeyLength..]);

    /// <summary>When the request that made a valid job id (or request key) was made, to the millisecond.</summary>
    public static DateTimeOffset RequestTime(string id) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ClockMax - Convert.ToInt64(id[..12], 16));

    /// <summary>Whether <paramref name="text"/> is lower-case hex digits only.</summary>
    internal static bool IsHex(ReadOnlySpan<char> text) => text.IndexOfAnyExcept("0123456789abcdef") < 0;
}
