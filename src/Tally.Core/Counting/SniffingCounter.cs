using System.Text;

namespace Tally.Counting;

/// <summary>
/// Holds back the first bytes of a body until its encoding is known, in the standards' order:
/// a byte-order mark first (it wins over everything, and is not counted), then the
/// <c>Content-Type</c> charset, then for HTML a <c>&lt;meta&gt;</c> prescan of the first 1,024
/// bytes (the Encoding Standard's algorithm), else UTF-8.
/// </summary>
internal sealed class SniffingCounter(bool isHtml, Encoding? declared) : IBodyCounter, IDisposable
{
    private const int PrescanBytes = 1024;
    private const int BomBytes = 3;

    private readonly byte[] _head = new byte[declared is null && isHtml ? PrescanBytes : BomBytes];
    private int _headLength;
    private IBodyCounter? _inner;

    public void Add(ReadOnlySpan<byte> bytes)
    {
        if (_inner is null)
        {
            var taken = Math.Min(bytes.Length, _head.Length - _headLength);
            bytes[..taken].CopyTo(_head.AsSpan(_headLength));
            _headLength += taken;
            bytes = bytes[taken..];
            if (_headLength < _head.Length)
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
        var (encoding, bom) = head switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding.UTF8, 3),
            [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
            [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
            _ => (declared ?? (isHtml ? MetaPrescan.Find(head) : null), 0),
        };
        _inner = BodyCounters.Create(encoding, isHtml);
        _inner.Add(head[bom..]);
    }
}
