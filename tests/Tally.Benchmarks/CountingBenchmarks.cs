using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Tally.Counting;

namespace Tally.Benchmarks;

/// <summary>
/// Tally's streaming counter against the naive way (decode the whole body to a string, then split),
/// side by side on the same 64 MiB pages, fed in the 64 KiB pieces the fetcher reads.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public partial class CountingBenchmarks
{
    private const int PieceSize = 64 * 1024;
    private static readonly char[] Separators = [.. Enumerable.Range(0, 0x3001).Select(c => (char)c).Where(Whitespace.IsSpace)];

    private byte[] _plain = [];
    private byte[] _html = [];

    [GlobalSetup]
    public void Setup()
    {
        _plain = Pages.PlainText();
        _html = Pages.Html();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("plain")]
    public long PlainNaive() => Encoding.UTF8.GetString(_plain).Split(Separators, StringSplitOptions.RemoveEmptyEntries).Length;

    [Benchmark, BenchmarkCategory("plain")]
    public long PlainTally() => Stream(_plain, "text/plain; charset=utf-8");

    [Benchmark(Baseline = true), BenchmarkCategory("html")]
    public long HtmlNaive()
    {
        var text = Markup().Replace(Encoding.UTF8.GetString(_html), " ");
        return WebUtility.HtmlDecode(text).Split(Separators, StringSplitOptions.RemoveEmptyEntries).Length;
    }

    [Benchmark, BenchmarkCategory("html")]
    public long HtmlTally() => Stream(_html, "text/html; charset=utf-8");

    private static long Stream(byte[] body, string contentType)
    {
        var counter = BodyCounters.For(MediaTypeHeaderValue.Parse(contentType));
        for (var i = 0; i < body.Length; i += PieceSize)
        {
            counter.Add(body.AsSpan(i, Math.Min(PieceSize, body.Length - i)));
        }

        return counter.Complete();
    }

    [GeneratedRegex("<script.*?</script>|<style.*?</style>|<!--.*?-->|<[^>]*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Markup();
}
