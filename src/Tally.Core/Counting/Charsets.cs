using System.Collections.Frozen;
using System.Text;

namespace Tally.Counting;

/// <summary>Finds the encoding a charset label names: the Encoding Standard's table for HTML, codec names for plain text.</summary>
/// <remarks>An unknown or unsupported label gives null, never an exception: sniffing then goes on.</remarks>
internal static class Charsets
{
    /// <summary>Registers the legacy code pages; a field, so it runs before the table below is built.</summary>
    private static readonly bool CodePagesRegistered = RegisterCodePages();

    /// <summary>The code page .NET decodes each Encoding Standard encoding with (GBK decodes as gb18030, as the standard says).</summary>
    private static readonly FrozenDictionary<string, Encoding> ByWhatwgName = new Dictionary<string, int>
    {
        ["UTF-8"] = 65001, ["UTF-16LE"] = 1200, ["UTF-16BE"] = 1201, ["IBM866"] = 866,
        ["ISO-8859-2"] = 28592, ["ISO-8859-3"] = 28593, ["ISO-8859-4"] = 28594, ["ISO-8859-5"] = 28595, ["ISO-8859-6"] = 28596,
        ["ISO-8859-7"] = 28597, ["ISO-8859-8"] = 28598, ["ISO-8859-13"] = 28603, ["ISO-8859-15"] = 28605,
        ["KOI8-R"] = 20866, ["KOI8-U"] = 21866, ["macintosh"] = 10000, ["windows-874"] = 874,
        ["windows-1250"] = 1250, ["windows-1251"] = 1251, ["windows-1252"] = 1252, ["windows-1253"] = 1253, ["windows-1254"] = 1254,
        ["windows-1255"] = 1255, ["windows-1256"] = 1256, ["windows-1257"] = 1257, ["windows-1258"] = 1258,
        ["GBK"] = 54936, ["gb18030"] = 54936, ["Big5"] = 950, ["EUC-JP"] = 51932, ["Shift_JIS"] = 932, ["EUC-KR"] = 949,
    }
    .Select(pair => (pair.Key, Encoding: TryGet(() => Encoding.GetEncoding(pair.Value))))
    .Where(pair => pair.Encoding is not null)
    .ToFrozenDictionary(pair => pair.Key, pair => pair.Encoding!, StringComparer.Ordinal);

    /// <summary>The encoding an HTML charset label names by the Encoding Standard (so <c>latin1</c> and <c>us-ascii</c> mean windows-1252), or null.</summary>
    public static Encoding? ForHtml(string? label) =>
        Normalize(label) is { } key && WhatwgLabels.Names.TryGetValue(key, out var name) && ByWhatwgName.TryGetValue(name, out var encoding)
            ? encoding
            : null;

    /// <summary>The encoding a plain-text charset label names, as Python's codecs name them (<c>latin-1</c> is ISO-8859-1 itself), or null.</summary>
    public static Encoding? ForText(string? label) =>
        CodePagesRegistered && Normalize(label) is { } key && key != "utf-7" && key != "utf7" ? TryGet(() => Encoding.GetEncoding(key)) : null;

    private static bool RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    private static string? Normalize(string? label) =>
        string.IsNullOrWhiteSpace(label) ? null : label.Trim().Trim('"', '\'').Trim().ToLowerInvariant();

    private static Encoding? TryGet(Func<Encoding> get)
    {
        try
        {
            return get();
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
