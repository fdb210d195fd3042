using System.Net.Http.Headers;
using System.Text;
using Tally.Counting;

namespace Tally.Tests.Counting;

/// <summary>The encoding comes from the Content-Type charset, then a BOM, then a meta prescan, then UTF-8.</summary>
public sealed class CharsetTests
{
    static CharsetTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void Windows1252_FromTheContentType()
    {
        // 0x85 is an ellipsis in windows-1252 (a word character), but NEL (whitespace) in ISO-8859-1.
        byte[] body = [0x6F, 0x6E, 0x65, 0x85, 0x74, 0x77, 0x6F, 0x20, 0x93, 0x71, 0x94];

        Assert.Equal(2, Count(body, "text/plain; charset=windows-1252"));
        Assert.Equal(3, Count(body, "text/plain; charset=iso-8859-1"));
    }

    [Fact]
    public void MetaCharset_IsFoundByThePrescan_WhenTheHeaderHasNone()
    {
        var html = Encoding.GetEncoding("windows-1252").GetBytes("<html><head><meta charset=\"windows-1252\"></head><body>caf\u00e9 \u2026end</body></html>");

        Assert.Equal(2, Count(html, "text/html"));
    }

    [Fact]
    public void MetaHttpEquiv_IsFoundByThePrescan_AndLatin1MeansWindows1252()
    {
        // In HTML the label "ISO-8859-1" means windows-1252 (the Encoding Standard), where 0x85 is "…", not a space.
        var html = Encoding.Latin1.GetBytes("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>one\u0085two</p>");

        Assert.Equal(1, Count(html, "text/html"));
    }

    [Fact]
    public void ContentTypeCharset_WinsOverTheMeta()
    {
        var html = Encoding.Latin1.GetBytes("<meta charset=\"iso-8859-1\"><p>one\u0085two</p>");

        Assert.Equal(1, Count(html, "text/html; charset=windows-1252"));
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    public void Utf16_IsFoundByItsByteOrderMark(string name)
    {
        var encoding = name == "utf-16le" ? Encoding.Unicode : Encoding.BigEndianUnicode;
        var body = encoding.GetPreamble().Concat(encoding.GetBytes("three\u3000little words")).ToArray();

        Assert.Equal(3, Count(body, "text/plain"));
        Assert.Equal(3, Count(body, "text/html"));
    }

    [Fact]
    public void ShiftJis_FromTheContentType()
    {
        var body = Encoding.GetEncoding("shift_jis").GetBytes("日本語\u3000の テキスト");

        Assert.Equal(3, Count(body, "text/plain; charset=Shift_JIS"));
    }

    [Fact]
    public void Utf8Bom_IsSkipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, 0x20, 0x61, 0x20, 0x62];

        Assert.Equal(2, Count(body, "text/plain"));
    }

    [Fact]
    public void UnknownCharset_FallsBackToSniffingAndUtf8()
    {
        Assert.Equal(2, Count(Encoding.UTF8.GetBytes("na\u00efve caf\u00e9"), "text/plain; charset=x-no-such-charset"));
    }

    [Fact]
    public void InvalidBytes_InEveryCharset_NeverThrow()
    {
        var garbage = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 256)).ToArray();

        foreach (var charset in new[] { "utf-8", "windows-1252", "iso-8859-1", "utf-16le", "utf-16be", "shift_jis", "euc-jp", "gb2312" })
        {
            foreach (var type in new[] { "text/plain", "text/html" })
            {
                Assert.InRange(Count(garbage, $"{type}; charset={charset}", chunk: 13), 1, garbage.Length);
            }
        }
    }

    private static long Count(byte[] body, string contentType, int chunk = 5) =>
        PythonOracleTests.Feed(BodyCounters.For(MediaTypeHeaderValue.Parse(contentType)), body, chunk);
}
