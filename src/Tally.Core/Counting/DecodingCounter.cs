using System.Buffers;
using System.Text;

namespace Tally.Counting;

/// <summary>
/// Decodes a body in any charset through a pooled buffer and hands the text to a sink: invalid
/// bytes become U+FFFD, never an exception, and a character cut by a piece boundary is carried over.
/// </summary>
internal sealed class DecodingCounter : IBodyCounter, IDisposable
{
    private const int CharBufferSize = 16 * 1024;

    private readonly Decoder _decoder;
    private readonly ITextSink _sink;
    private readonly bool _legacyMultiByte;
    private bool _afterHighByte;
    private char[]? _chars = ArrayPool<char>.Shared.Rent(CharBufferSize);

    public DecodingCounter(Encoding encoding, ITextSink sink)
    {
        _decoder = encoding.GetDecoder();
        _sink = sink;
        _legacyMultiByte = !encoding.IsSingleByte && encoding is not (UTF8Encoding or UnicodeEncoding or UTF32Encoding) && encoding.CodePage is not (>= 50220 and <= 50229);
    }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        if (!_legacyMultiByte)
        {
            Decode(bytes, flush: false);
            return;
        }

        // Legacy multi-byte decoders (Shift_JIS, EUC-JP, GBK, Big5, EUC-KR) would take the byte after a bad
        // lead as its trail. No trail byte is below 0x30 in any of them, so a sequence still open there is
        // invalid: flush it as U+FFFD first, and the space or control byte counts as itself (as Python and browsers do).
        while (!bytes.IsEmpty)
        {
            var cut = _afterHighByte && bytes[0] < 0x30 ? 0 : FindCut(bytes);
            if (cut < 0)
            {
                Decode(bytes, flush: false);
                _afterHighByte = bytes[^1] >= 0x80;
                return;
            }

            Decode(bytes[..cut], flush: true);
            _afterHighByte = false;
            bytes = bytes[cut..]; // starts with the low byte, which the next search (from index 1) steps past
        }
    }

    /// <returns>The index of the first byte below 0x30 that follows a byte of 0x80 or more, or -1.</returns>
    private static int FindCut(ReadOnlySpan<byte> bytes)
    {
        for (var i = 1; i < bytes.Length; i++)
        {
            if (bytes[i] < 0x30 && bytes[i - 1] >= 0x80)
            {
                return i;
            }
        }

        return -1;
    }

    public long Complete()
    {
        Decode([], flush: true);
        var words = _sink.Complete();
        Dispose();
        return words;
    }

    public void Dispose()
    {
        if (_chars is { } chars)
        {
            _chars = null;
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private void Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var chars = _chars ?? throw new ObjectDisposedException(nameof(DecodingCounter));
        bool completed;
        do
        {
            _decoder.Convert(bytes, chars, flush, out var bytesUsed, out var charsUsed, out completed);
            _sink.Add(chars.AsSpan(0, charsUsed));
            bytes = bytes[bytesUsed..];
        }
        while (!completed || !bytes.IsEmpty);
    }
}

/// <summary>Receives decoded text in pieces and counts its words.</summary>
internal interface ITextSink
{
    void Add(ReadOnlySpan<char> text);

    long Complete();
}

/// <summary>Plain text: every character counts.</summary>
internal sealed class PlainTextSink : ITextSink
{
    private TextWordCounter _counter;

    public void Add(ReadOnlySpan<char> text) => _counter.Add(text);

    public long Complete() => _counter.Words;
}
