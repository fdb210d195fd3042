namespace Tally.Hosting;

/// <summary>
/// Reads a stream and throws once more than a limit of bytes came from it, so an endless body (a request's, or a page's on
/// the wire) cannot exhaust memory.
/// </summary>
public sealed class ByteLimitStream(Stream inner, long limit, Func<Exception> tooLarge) : Stream
{
    /// <summary>Reads <paramref name="inner"/>, throwing <see cref="TooLongException"/> past <paramref name="limit"/>.</summary>
    public ByteLimitStream(Stream inner, long limit)
        : this(inner, limit, static () => new TooLongException())
    {
    }

    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Counted(int read)
    {
        _read += read;
        return _read > limit ? throw tooLarge() : read;
    }

    /// <summary>The stream passed its limit.</summary>
    public sealed class TooLongException : IOException;
}
