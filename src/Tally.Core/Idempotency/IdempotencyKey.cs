using System.Security.Cryptography;
using System.Text;

namespace Tally.Idempotency;

/// <summary>
/// An <c>Idempotency-Key</c> a client sent with a creating request, with what the request asked for: the same key with
/// the same request is answered once, as Stripe's API and the IETF draft <c>draft-ietf-httpapi-idempotency-key-header</c> do.
/// </summary>
/// <param name="Route">The route the key was sent to: a key means one thing per route.</param>
/// <param name="Key">The key, as the client sent it.</param>
/// <param name="Fingerprint">A hash of what the request asked for, to tell a retry from another request under the same key.</param>
public sealed record IdempotencyKey(string Route, string Key, string Fingerprint)
{
    /// <summary>The request header.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The longest key accepted (Stripe's limit).</summary>
    public const int MaxLength = 255;

    /// <summary>Where the key is kept: a hash of the route and the key, so any key makes a safe table key.</summary>
    internal string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Route}\n{Key}")));

    /// <summary>
    /// Reads a header's value: 1 to <see cref="MaxLength"/> visible ASCII characters (spaces allowed inside), or the same
    /// as a quoted structured-field string, as the draft writes it (<c>"8e03978e-…"</c>).
    /// </summary>
    /// <returns>The key, or null with <paramref name="error"/> saying what to send instead.</returns>
    public static string? Read(IReadOnlyList<string?> values, out string? error)
    {
        error = null;
        if (values.Count != 1 || values[0] is not { } text)
        {
            error = $"Send one {Header} header, not {values.Count}.";
            return null;
        }

        var key = text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;
        if (key.Length is 0 or > MaxLength || key.Any(c => c is < ' ' or > '~') || key.Trim().Length != key.Length)
        {
            error = $"{Header} must be 1 to {MaxLength} visible ASCII characters, such as a UUID; '{Shorten(text)}' is not.";
            return null;
        }

        return key;
    }

    /// <summary>A fingerprint of a request's parts, each kept apart from the next so no two requests share one.</summary>
    public static string FingerprintOf(IEnumerable<string?> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part ?? "\u0000null");
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
