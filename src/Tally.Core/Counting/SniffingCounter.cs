using System.Text;
using System.Text.RegularExpressions;

namespace Tally.Counting;

/// <summary>
/// Holds back the first bytes of a body until its encoding is known, in the design's order:
/// the <c>Content-Type</c> charset (decided before this is made), then a byte-order mark, then
/// (for HTML) a <c>&lt;meta charset&gt;</c> prescan of the first 1,024 bytes, then UTF-8.
/// </summary>
internal sealed partial class SniffingCounter(bool isHtml) : IBodyCounter, IDisposable
{
    private const int PrescanBytes = 1024;

    private readonly byte[] _head = new byte[PrescanBytes];
    private int _headLength;
    private IBodyCounter? _inner;

    public void Add(ReadOnlySpan<byte> bytes)
    {
        if (_inner is null)
        {
            var taken = Math.Min(bytes.Length, PrescanBytes - _headLength);
            bytes[..taken].CopyTo(_head.AsSpan(_headLength));
            _headLength += taken;
            bytes = bytes[taken..];
            if (_headLength < PrescanBytes)
            {
                return;
            }

            Decide();
        }

        _inner!.Add(bytes);
    }

    public long Complete()
    {
        if (_inner is null)
        {
            Decide();
        }

        return _inner!.Complete();
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();

    private void Decide()
    {
        var head = _head.AsSpan(0, _headLength);
        var (encoding, bom) = FromBom(head);
        encoding ??= isHtml ? FromMeta(head) : null;
        _inner = BodyCounters.Create(encoding, isHtml);
        _inner.Add(head[bom..]);
    }

    private static (Encoding? Encoding, int BomLength) FromBom(ReadOnlySpan<byte> head) => head switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (Encoding.UTF8, 3),
        [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
        [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
        _ => (null, 0),
    };

    private static Encoding? FromMeta(ReadOnlySpan<byte> head)
    {
        var match = MetaCharset().Match(Encoding.Latin1.GetString(head));
        if (!match.Success)
        {
            return null;
        }

        var encoding = BodyCounters.FindEncoding(match.Groups[1].Value);

        // A page that can be read as ASCII to find its <meta> is not UTF-16, whatever it says (the HTML standard's rule).
        return encoding is UnicodeEncoding ? Encoding.UTF8 : encoding;
    }

    [GeneratedRegex("""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}
