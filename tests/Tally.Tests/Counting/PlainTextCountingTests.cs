using System.Text;
using Tally.Counting;

namespace Tally.Tests.Counting;

public sealed class PlainTextCountingTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("   \t\r\n ", 0)]
    [InlineData("one", 1)]
    [InlineData("  leading and trailing  ", 3)]
    [InlineData("tabs\tand\nnewlines\r\nand\vvertical\fform", 6)]
    [InlineData("file\u001cgroup\u001drecord\u001eunit\u001fseparators", 5)]
    [InlineData("next\u0085line and\u00a0nbsp", 4)]
    [InlineData("ogham\u1680space en\u2002em\u2003thin\u2009hair\u200a", 6)]
    [InlineData("line\u2028para\u2029narrow\u202fmath\u205fideographic\u3000end", 6)]
    [InlineData("zero\u200bwidth is not space", 4)]
    [InlineData("mongolian\u180evowel is not space", 4)]
    [InlineData("word\ufeffjoiner", 1)]
    [InlineData("naïve café 日本語 😀 emoji", 5)]
    public void Utf8Body_CountsAsPythonSplits(string text, long expected)
    {
        Assert.Equal(expected, CountUtf8(Encoding.UTF8.GetBytes(text), chunk: int.MaxValue));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void Utf8Body_CountsTheSame_HoweverItIsChunked(int chunk)
    {
        var text = string.Concat(Enumerable.Repeat("a\u3000b\u2028c\u00a0d\u0085e\r\nf \u2000日本\u1680😀 ", 20));
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.Equal(text.Split(PythonSpaces, StringSplitOptions.RemoveEmptyEntries).Length, CountUtf8(bytes, chunk));
    }

    [Theory]
    [InlineData(new byte[] { 0xE2, 0x80 }, 1)]            // a whitespace sequence cut short is an invalid byte: a word
    [InlineData(new byte[] { 0x61, 0xE2, 0x80, 0x20, 0x62 }, 2)]
    [InlineData(new byte[] { 0xFF, 0x20, 0xFE }, 2)]
    [InlineData(new byte[] { 0xF0, 0xE2, 0x80, 0x80, 0x61 }, 2)] // a bad lead, then a real U+2000
    [InlineData(new byte[] { 0xC2, 0xC2, 0xA0, 0x61 }, 2)]
    public void InvalidUtf8_CountsAsReplacementCharacters_NeverThrows(byte[] bytes, long expected)
    {
        for (var chunk = 1; chunk <= bytes.Length; chunk++)
        {
            Assert.Equal(expected, CountUtf8(bytes, chunk));
        }
    }

    [Fact]
    public void NonUtf8Charset_IsDecodedBeforeCounting()
    {
        var counter = BodyCounters.For(System.Net.Http.Headers.MediaTypeHeaderValue.Parse("text/plain; charset=iso-8859-1"));

        counter.Add([0x63, 0x61, 0x66, 0xE9, 0x85, 0x6E, 0x65, 0x78, 0x74, 0xA0, 0x21]); // café<NEL>next<NBSP>!

        Assert.Equal(3, counter.Complete());
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/octet-stream")]
    [InlineData("application/zip")]
    public void NonTextContentType_IsRefused_NamingTheType(string contentType)
    {
        var error = Assert.Throws<NotTextException>(() => BodyCounters.For(System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType)));

        Assert.Contains(contentType, error.Message);
    }

    private static readonly char[] PythonSpaces =
        [.. Enumerable.Range(0, 0x3001).Select(c => (char)c).Where(Whitespace.IsSpace)];

    private static long CountUtf8(byte[] bytes, int chunk)
    {
        var counter = new Utf8WordCounter();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            counter.Add(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        return counter.Complete();
    }
}
