using System.Net.Http.Headers;
using System.Text.Json;
using Tally.Counting;

namespace Tally.Tests.Counting;

/// <summary>
/// HTML against a real browser: Data/html/html-counts.jsonl holds cases (realistic pages, every quoting
/// style, references of every kind, hidden elements, malformed markup, charsets) with the count of
/// Chromium's <c>document.body.innerText</c> split by Python (Data/html/generate_html_counts.py). Each
/// body is fed whole, a character at a time and in random pieces, so every state is cut at a boundary.
/// </summary>
public sealed class HtmlOracleTests
{
    /// <summary>Where Tally follows the standard rather than Chromium: the count Tally gives instead, and why.</summary>
    private static readonly Dictionary<string, (long Words, string Why)> Deliberate = new()
    {
        ["charset/meta-past-1024"] = (1, "The Encoding Standard's prescan reads the first 1,024 bytes; Chromium looks further for a <meta> charset."),
    };

    public static TheoryData<string> Cases => [.. Load().Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Html_CountsWhatChromiumShows_InAnyChunking(string id)
    {
        var oracle = Load().Single(c => c.Id == id);
        var expected = Deliberate.TryGetValue(id, out var deliberate) ? deliberate.Words : oracle.Words;
        var random = new Random(id.GetHashCode(StringComparison.Ordinal));

        foreach (var chunk in new[] { int.MaxValue, 1, 2, random.Next(3, 64), random.Next(64, 2048) })
        {
            var counter = BodyCounters.For(MediaTypeHeaderValue.Parse(oracle.ContentType));
            var counted = PythonOracleTests.Feed(counter, oracle.Body, chunk);
            Assert.True(expected == counted, $"{id} in pieces of {chunk}: Chromium shows {oracle.Words} words, Tally counted {counted}. innerText: {JsonSerializer.Serialize(oracle.InnerText)}");
        }
    }

    [Fact]
    public void Oracle_HoldsAtLeastTwoHundredCases()
    {
        Assert.True(Load().Count >= 200);
    }

    private static List<Case> Load() =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Counting", "Data", "html", "html-counts.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(c => new Case(
                c.GetProperty("id").GetString()!,
                c.GetProperty("contentType").GetString()!,
                Convert.FromBase64String(c.GetProperty("body").GetString()!),
                c.GetProperty("innerText").GetString()!,
                c.GetProperty("words").GetInt64()))];

    private sealed record Case(string Id, string ContentType, byte[] Body, string InnerText, long Words);
}
