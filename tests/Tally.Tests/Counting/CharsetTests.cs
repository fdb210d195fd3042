using System.Net.Http.Headers;
using System.Text;
using Tally.Counting;

namespace Tally.Tests.Counting;

/// <summary>The encoding comes from a BOM, then the Content-Type charset, then (HTML) a meta prescan, then UTF-8.</summary>
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

    [Theory]
    [InlineData("text/plain; charset=utf-7")]
    [InlineData("text/html; charset=utf-7")]
    [InlineData("text/plain; charset=UTF7")]
    [InlineData("text/html; charset=x-user-defined")]
    public void UnsupportedCharset_IsIgnored_NeverAnException(string contentType)
    {
        // Was a NotSupportedException that failed the job on every attempt with no reason.
        Assert.Equal(3, Count(Encoding.UTF8.GetBytes("caf\u00e9 x\u00a0y"), contentType));
    }

    [Fact]
    public void UnsupportedMetaCharset_IsIgnored()
    {
        Assert.Equal(2, Count(Encoding.UTF8.GetBytes("<meta charset=utf-7><p>caf\u00e9\u00a0x</p>"), "text/html"));
    }

    [Theory]
    [InlineData("text/plain; charset=utf-16")]
    [InlineData("text/plain; charset=utf-16le")]
    [InlineData("text/plain; charset=windows-1252")]
    [InlineData("text/html; charset=utf-16")]
    [InlineData("text/html; charset=windows-1252")]
    public void ByteOrderMark_WinsOverTheHeader_AndIsNotAWord(string contentType)
    {
        // Was: with charset=utf-16, a kept U+FEFF made a leading space count one word too many.
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(" leading space then words")).ToArray();

        Assert.Equal(4, Count(body, contentType));
    }

    [Theory]
    [InlineData("iso-8859-1")]
    [InlineData("latin1")]
    [InlineData("us-ascii")]
    [InlineData("ascii")]
    public void Latin1AndAsciiLabels_MeanWindows1252_InHtml(string label)
    {
        // The Encoding Standard's label table: 0x85 is "…" (part of a word), 0xA0 a no-break space.
        byte[] body = [0x61, 0x85, 0x62, 0x20, 0x63, 0xA0, 0x64];

        Assert.Equal(3, Count(body, $"text/html; charset={label}"));
    }

    [Fact]
    public void Latin1_IsLatin1_InPlainText_AsPythonDecodesIt()
    {
        byte[] body = [0x61, 0x85, 0x62, 0x20, 0x63, 0xA0, 0x64];

        Assert.Equal(4, Count(body, "text/plain; charset=iso-8859-1")); // U+0085 NEL is whitespace to Python
    }

    [Theory]
    [InlineData("shift_jis", new byte[] { 0x61, 0x81, 0x20, 0x62 })]
    [InlineData("euc-jp", new byte[] { 0x61, 0xA1, 0x20, 0x62 })]
    [InlineData("euc-jp", new byte[] { 0x61, 0x8F, 0xA1, 0x0A, 0x62 })]
    [InlineData("gbk", new byte[] { 0x61, 0x81, 0x09, 0x62 })]
    [InlineData("gb18030", new byte[] { 0x61, 0x81, 0x30, 0x0D, 0x62 })]
    [InlineData("big5", new byte[] { 0x61, 0xA1, 0x20, 0x62 })]
    [InlineData("euc-kr", new byte[] { 0x61, 0xB0, 0x20, 0x62 })]
    public void LegacyMultiByteDecoders_NeverSwallowTheAsciiByteAfterABadLead(string charset, byte[] body)
    {
        foreach (var type in new[] { "text/plain", "text/html" })
        {
            for (var chunk = 1; chunk <= body.Length; chunk++)
            {
                Assert.Equal(2, Count(body, $"{type}; charset={charset}", chunk)); // Python and browsers: "a\ufffd b"
            }
        }
    }

    private static long Count(byte[] body, string contentType, int chunk = 5) =>
        PythonOracleTests.Feed(BodyCounters.For(MediaTypeHeaderValue.Parse(contentType)), body, chunk);
}
