using System.Text;

namespace Tally.Hosting;

/// <summary>
/// A listing's continuation token: where its page ended, as text in URL-safe base64 without padding, so that it goes in a
/// query string as it is. Each listing checks that the text read back is one of its own positions.
/// </summary>
public static class PageToken
{
    /// <summary>The token of <paramref name="position"/>.</summary>
    public static string Of(string position) => Convert.ToBase64String(Encoding.UTF8.GetBytes(position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position <paramref name="token"/> stands for; null when it is empty, longer than <paramref name="maxLength"/>, or not base64.</summary>
    public static string? Read(string? token, int maxLength)
    {
        if (string.IsNullOrEmpty(token) || token.Length > maxLength)
        {
            return null;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (token.Length % 4)) % 4);
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var length) ? Encoding.UTF8.GetString(bytes, 0, length) : null;
    }
}
