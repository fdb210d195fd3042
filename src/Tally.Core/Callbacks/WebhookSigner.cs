using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tally.Callbacks;

/// <summary>
/// Signs a call as Standard Webhooks defines: <c>v1,</c> and the base64 HMAC-SHA256, keyed with the secret's key, of
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>. During a rotation it signs with both secrets, the current one first,
/// separated by a space, so a receiver holding either verifies.
/// </summary>
/// <remarks>
/// Not the <c>StandardWebhooks</c> package's <c>StandardWebhook.Sign</c>: it takes the body as characters (so each attempt
/// would decode the stored bytes and the package encode them again) and one secret an instance, where this signs the bytes
/// as sent with every secret of a rotation. The tests verify every call with that package's own <c>Verify</c>, and with
/// Python's <c>hmac</c>, so independent implementations check this one.
/// </remarks>
public sealed class WebhookSigner(IOptionsMonitor<CallbacksOptions> options)
{
    private const string Prefix = "whsec_";

    /// <summary>The <c>webhook-signature</c> header of a call.</summary>
    /// <param name="id">The <c>webhook-id</c>.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c>: Unix seconds.</param>
    /// <param name="body">The exact bytes sent.</param>
    public string Sign(string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var settings = options.CurrentValue;
        var signatures = new List<string>(2);
        foreach (var secret in new[] { settings.SigningSecret, settings.PreviousSigningSecret })
        {
            if (!string.IsNullOrWhiteSpace(secret))
            {
                signatures.Add("v1," + Convert.ToBase64String(Mac(KeyOf(secret)!, id, timestamp, body)));
            }
        }

        return signatures.Count > 0
            ? string.Join(' ', signatures)
            : throw new InvalidOperationException($"No signing secret: set {CallbacksOptions.Section}:SigningSecret.");
    }

    /// <summary>The key in a <c>whsec_</c> secret, or null when it is not one of 24 to 64 bytes.</summary>
    internal static byte[]? KeyOf(string secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var encoded = secret.AsSpan(Prefix.Length).Trim();
        var key = new byte[(encoded.Length * 3 / 4) + 3];
        return Convert.TryFromBase64Chars(encoded, key, out var length) && length is >= 24 and <= 64 ? key[..length] : null;
    }

    private static byte[] Mac(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
