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
    private char[]? _chars = ArrayPool<char>.Shared.Rent(CharBufferSize);

    public DecodingCounter(Encoding encoding, ITextSink sink)
    {
        _decoder = encoding.GetDecoder();
        _sink = sink;
    }

    public void Add(ReadOnlySpan<byte> bytes) => Decode(bytes, flush: false);

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
