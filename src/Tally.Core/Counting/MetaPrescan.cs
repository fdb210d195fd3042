using System.Text;

namespace Tally.Counting;

/// <summary>
/// The Encoding Standard's prescan of an HTML byte stream for its <c>&lt;meta charset&gt;</c> or
/// <c>&lt;meta http-equiv="Content-Type" content="…; charset=…"&gt;</c>: comments, other tags and
/// attribute values are skipped, so a label inside them is not taken.
/// </summary>
internal static class MetaPrescan
{
    /// <summary>The encoding the first <c>meta</c> that names a known one gives, or null.</summary>
    public static Encoding? Find(ReadOnlySpan<byte> head)
    {
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i] != '<')
            {
                continue;
            }

            var rest = head[i..];
            if (rest.StartsWith("<!--"u8))
            {
                var end = rest[2..].IndexOf("-->"u8); // "<!-->" closes, as the standard's "-->" search after "<!--" allows
                i += end < 0 ? rest.Length : end + 4;
            }
            else if (rest.Length > 5 && Ascii.EqualsIgnoreCase(rest[1..5], "meta"u8) && (IsSpace(rest[5]) || rest[5] == '/'))
            {
                var (encoding, length) = ReadMeta(rest[5..]);
                if (encoding is not null)
                {
                    return encoding is UnicodeEncoding ? Encoding.UTF8 : encoding; // a page read as ASCII to find it is not UTF-16
                }

                i += 4 + length;
            }
            else if (rest.Length > 1 && (char.IsAsciiLetter((char)rest[1]) || (rest[1] == '/' && rest.Length > 2 && char.IsAsciiLetter((char)rest[2]))))
            {
                i += SkipAttributes(rest[1..]);
            }
            else if (rest.Length > 1 && rest[1] is (byte)'!' or (byte)'/' or (byte)'?')
            {
                var end = rest.IndexOf((byte)'>');
                i += end < 0 ? rest.Length : end;
            }
        }

        return null;
    }

    private static (Encoding? Encoding, int Length) ReadMeta(ReadOnlySpan<byte> s)
    {
        string? charset = null, content = null;
        var httpEquivContentType = false;
        var position = 0;
        while (ReadAttribute(s, ref position) is { } attribute)
        {
            switch (attribute.Name)
            {
                case "http-equiv":
                    httpEquivContentType |= attribute.Value.Equals("content-type", StringComparison.OrdinalIgnoreCase);
                    break;
                case "content":
                    content ??= attribute.Value;
                    break;
                case "charset":
                    charset ??= attribute.Value;
                    break;
            }
        }

        var label = charset ?? (httpEquivContentType && content is not null ? FromContent(content) : null);
        return (Charsets.ForHtml(label), position);
    }

    private static int SkipAttributes(ReadOnlySpan<byte> s)
    {
        var position = 0;
        while (position < s.Length && !IsSpace(s[position]) && s[position] != '>')
        {
            position++;
        }

        while (ReadAttribute(s, ref position) is not null)
        {
        }

        return position;
    }

    /// <summary>The standard's "get an attribute": null at the tag's end.</summary>
    private static (string Name, string Value)? ReadAttribute(ReadOnlySpan<byte> s, ref int i)
    {
        while (i < s.Length && (IsSpace(s[i]) || s[i] == '/'))
        {
            i++;
        }

        if (i >= s.Length || s[i] == '>')
        {
            return null;
        }

        var name = new StringBuilder();
        while (i < s.Length && s[i] != '=' && s[i] != '>' && !(name.Length > 0 && (IsSpace(s[i]) || s[i] == '/')))
        {
            name.Append(char.ToLowerInvariant((char)s[i++]));
        }

        while (i < s.Length && IsSpace(s[i]))
        {
            i++;
        }

        if (i >= s.Length || s[i] != '=')
        {
            return (name.ToString(), "");
        }

        i++;
        while (i < s.Length && IsSpace(s[i]))
        {
            i++;
        }

        var value = new StringBuilder();
        if (i < s.Length && s[i] is (byte)'"' or (byte)'\'')
        {
            var quote = s[i++];
            while (i < s.Length && s[i] != quote)
            {
                value.Append(char.ToLowerInvariant((char)s[i++]));
            }

            i++;
        }
        else
        {
            while (i < s.Length && !IsSpace(s[i]) && s[i] != '>')
            {
                value.Append(char.ToLowerInvariant((char)s[i++]));
            }
        }

        return (name.ToString(), value.ToString());
    }

    /// <summary>The standard's "extract a character encoding from a meta element" on a <c>content</c> value.</summary>
    private static string? FromContent(string content)
    {
        var at = content.IndexOf("charset", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = content.AsSpan(at + 7).TrimStart(" \t\n\f\r");
        if (rest.IsEmpty || rest[0] != '=')
        {
            return FromContent(content[(at + 7)..]);
        }

        rest = rest[1..].TrimStart(" \t\n\f\r");
        if (!rest.IsEmpty && rest[0] is '"' or '\'')
        {
            var close = rest[1..].IndexOf(rest[0]);
            return close < 0 ? null : rest[1..(close + 1)].ToString();
        }

        var end = rest.IndexOfAny(" \t\n\f\r;");
        return (end < 0 ? rest : rest[..end]).ToString();
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\f' or (byte)'\r';
}
