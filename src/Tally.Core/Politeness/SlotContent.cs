using System.Net;

namespace Tally.Politeness;

/// <summary>
/// A response body that holds its origin's slot until it is disposed: a fetch's slot covers the whole body, read as it
/// streams, not just the headers.
/// </summary>
internal sealed class SlotContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly OriginSlot _slot;

    public SlotContent(HttpContent inner, OriginSlot slot)
    {
        (_inner, _slot) = (inner, slot);
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _inner.CopyToAsync(stream, cancellationToken);

    protected override Task<Stream> CreateContentReadStreamAsync() => _inner.ReadAsStreamAsync();

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => _inner.ReadAsStreamAsync(cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false; // the Content-Length header, copied, says it when the origin did
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _slot.Release();
        }

        base.Dispose(disposing);
    }
}
