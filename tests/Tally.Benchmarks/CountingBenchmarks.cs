using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Tally.Counting;

namespace Tally.Benchmarks;

/// <summary>
/// Tally's streaming counter against the naive way (decode the whole body to a string, then split;
/// for HTML, strip markup with a regex and decode entities first), on each 64 MiB corpus file, fed
/// in the 64 KiB pieces the fetcher reads.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public partial class CountingBenchmarks
{
    private const int PieceSize = 64 * 1024;
    private static readonly char[] Separators = [.. Enumerable.Range(0, 0x3001).Select(c => (char)c).Where(Whitespace.IsSpace)];

    private byte[] _body = [];

    /// <summary>The corpus file.</summary>
    [ParamsSource(nameof(Kinds))]
    public string Kind { get; set; } = "";

    public static IEnumerable<string> Kinds => Corpus.Corpus.Kinds;

    [GlobalSetup]
    public void Setup() => _body = File.ReadAllBytes(Corpus.Corpus.PathOf(Kind));

    [Benchmark(Baseline = true)]
    public long Naive()
    {
        var text = Encoding.UTF8.GetString(_body);
        if (Kind.EndsWith(".html", StringComparison.Ordinal))
        {
            text = WebUtility.HtmlDecode(Markup().Replace(text, " "));
        }

        return text.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Length;
    }

    [Benchmark]
    public long Tally()
    {
        var counter = BodyCounters.For(MediaTypeHeaderValue.Parse(Corpus.Corpus.ContentType(Kind)));
        for (var i = 0; i < _body.Length; i += PieceSize)
        {
            counter.Add(_body.AsSpan(i, Math.Min(PieceSize, _body.Length - i)));
        }

        return counter.Complete();
    }

    [GeneratedRegex("<script.*?</script>|<style.*?</style>|<!--.*?-->|<[^>]*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Markup();
}
