using System.Text;

namespace Tally.Counting;

/// <summary>
/// Holds back the first bytes of a body until its encoding is known, in the standards' order:
/// a byte-order mark first (it wins over everything, and is not counted), then the
/// <c>Content-Type</c> charset, then for HTML a <c>&lt;meta&gt;</c> prescan of the first 1,024
/// bytes (the Encoding Standard's algorithm), else UTF-8. With <paramref name="sniffBinary"/> (an unlabelled body), a
/// binary data byte in the first 1,445 bytes and no byte-order mark mean the body is not text (WHATWG MIME Sniffing).
/// </summary>
internal sealed class SniffingCounter(bool isHtml, Encoding? declared, bool sniffBinary = false) : IBodyCounter, IDisposable
{
    private const int PrescanBytes = 1024;
    private const int BomBytes = 3;

    /// <summary>The resource header the MIME Sniffing standard reads.</summary>
    private const int ResourceHeaderBytes = 1445;

    private readonly byte[] _head = new byte[sniffBinary ? ResourceHeaderBytes : declared is null && isHtml ? PrescanBytes : BomBytes];
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

    /// <summary>The MIME Sniffing standard's binary data bytes: 0x00–0x08, 0x0B, 0x0E–0x1A, 0x1C–0x1F.</summary>
    private static readonly System.Buffers.SearchValues<byte> BinaryDataBytes = System.Buffers.SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1C, 0x1D, 0x1E, 0x1F]);

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
        if (sniffBinary && bom == 0 && head.IndexOfAny(BinaryDataBytes) is var at and >= 0)
        {
            throw NotTextException.Binary(at, head[at]);
        }

        _inner = BodyCounters.Create(encoding, isHtml);
        _inner.Add(head[bom..]);
    }
}
