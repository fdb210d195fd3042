using System.Text;

namespace Tally.Politeness;

/// <summary>
/// A robots.txt path pattern (RFC 9309 section 2.2.3): <c>*</c> matches any run of characters, a final <c>$</c>
/// anchors the end, anything else is a literal prefix; paths and patterns are compared in one percent-encoded form.
/// </summary>
internal sealed class RobotsPattern
{
    private readonly string _pattern;
    private readonly bool _anchored;

    private RobotsPattern(string pattern, bool anchored) => (_pattern, _anchored) = (pattern, anchored);

    /// <summary>How specific the pattern is: its length in octets as written, which decides the longest match.</summary>
    public int Length { get; private init; }

    /// <summary>Reads a rule's value; null for an empty one, which the RFC says matches nothing.</summary>
    public static RobotsPattern? Parse(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        var anchored = value.EndsWith('$');
        var body = anchored ? value[..^1] : value;
        return new RobotsPattern(Normalize(body, isPattern: true), anchored) { Length = Encoding.UTF8.GetByteCount(value) };
    }

    /// <summary>A URL's path and query as patterns are matched against.</summary>
    public static string PathOf(Uri url) => Normalize(url.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped), isPattern: false);

    /// <summary>Whether <paramref name="path"/> (from <see cref="PathOf"/>) matches.</summary>
    public bool Matches(string path)
    {
        // Wildcard matching with backtracking to the last star: linear in practice, never exponential.
        int p = 0, s = 0, star = -1, resume = 0;
        while (s < path.Length)
        {
            if (p < _pattern.Length && _pattern[p] == '*')
            {
                star = p++;
                resume = s;
            }
            else if (p < _pattern.Length && _pattern[p] == path[s])
            {
                p++;
                s++;
            }
            else if (p == _pattern.Length && !_anchored)
            {
                return true; // a prefix match
            }
            else if (star >= 0)
            {
                p = star + 1;
                s = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < _pattern.Length && _pattern[p] == '*')
        {
            p++;
        }

        return p == _pattern.Length;
    }

    /// <summary>
    /// One form for both sides (RFC 9309 section 2.2.2): non-ASCII octets percent-encoded, an encoded unreserved
    /// character decoded, hex digits upper case. In a URL, <c>*</c> and <c>$</c> are encoded, as a pattern writes them
    /// literally as <c>%2A</c> and <c>%24</c>.
    /// </summary>
    private static string Normalize(string text, bool isPattern)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var result = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '%' && i + 2 < bytes.Length && IsHex(bytes[i + 1]) && IsHex(bytes[i + 2]))
            {
                var decoded = (byte)((Hex(bytes[i + 1]) << 4) | Hex(bytes[i + 2]));
                if (IsUnreserved(decoded))
                {
                    result.Append((char)decoded);
                }
                else
                {
                    result.Append('%').Append(char.ToUpperInvariant((char)bytes[i + 1])).Append(char.ToUpperInvariant((char)bytes[i + 2]));
                }

                i += 2;
            }
            else if (b >= 0x80 || b <= 0x20 || (!isPattern && b is (byte)'*' or (byte)'$'))
            {
                result.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                result.Append((char)b);
            }
        }

        return result.ToString();
    }

    private static bool IsUnreserved(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <inheritdoc />
    public override string ToString() => _pattern + (_anchored ? "$" : "");
}
