namespace Tally.Counting;

/// <summary>Counts plain UTF-8 text on the bytes themselves (see <see cref="Utf8WordCounter"/>).</summary>
internal sealed class Utf8TextCounter : IBodyCounter
{
    private Utf8WordCounter _counter;

    public void Add(ReadOnlySpan<byte> bytes) => _counter.Add(bytes);

    public long Complete() => _counter.Complete();
}
