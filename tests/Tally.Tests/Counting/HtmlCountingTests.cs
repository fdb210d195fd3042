using System.Net.Http.Headers;
using System.Text;
using Tally.Counting;

namespace Tally.Tests.Counting;

/// <summary>HTML counts the words a reader sees, on realistic pages and malformed ones.</summary>
public sealed class HtmlCountingTests
{
    [Theory]
    [InlineData("<p>Hello <b>bold</b>er world</p>", 3)]                       // inline tags do not split words
    [InlineData("<p>one</p><p>two</p><div>three</div>four<br>five", 5)]       // block tags do
    [InlineData("<li>a</li><li>b</li><td>c</td><td>d</td><h1>e</h1>f", 5)]      // cells outside a table are ignored: "cd"
    [InlineData("before<!-- a comment with words -->after", 1)]
    [InlineData("x <!-- -- -> still comment --> y", 2)]
    [InlineData("a<script>var x = 'not words here';</script>b", 1)]
    [InlineData("<style>p { color: red }</style>seen <template><p>hidden words</p></template>too", 2)]
    [InlineData("<script>if (a < b && c </scrip) { x('</p>') }</script>visible", 1)]
    [InlineData("fish&nbsp;&amp;&nbsp;chips", 3)]                              // &nbsp; is whitespace, &amp; a word
    [InlineData("caf&eacute; na&#239;ve &#x41;&#66;C", 3)]
    [InlineData("em&#x2003;space and&#160;nbsp&#32;decimal", 5)]
    [InlineData("AT&T &unknown; & alone &", 5)]                                // unknown references are text
    [InlineData("a < b and c > d", 7)]                                        // stray '<' is text
    [InlineData("<a href=\"x>y\" title='it>s'>link</a> text", 2)]             // '>' inside quoted attributes
    [InlineData("<p>unclosed <b>bold <i>italic", 3)]
    [InlineData("<div title=\"unterminated>text", 0)]                          // an unterminated attribute swallows the rest, as in a browser
    [InlineData("<!DOCTYPE html><?xml version=\"1.0\"?><html>word</html>", 1)]
    [InlineData("text</>more", 1)]
    [InlineData("<title>Page title</title><p>body</p>", 1)]                     // the title is not page text
    public void Html_CountsTheWordsAReaderSees(string html, long expected)
    {
        Assert.Equal(expected, Count(html, "text/html; charset=utf-8", chunk: int.MaxValue));
    }

    // Realistic pages (news, docs, shop, wiki, mixed scripts, a malformed blog) are counted against
    // Chromium itself in HtmlOracleTests (Data/html/pages).

    [Fact]
    public void XhtmlMediaType_IsCountedAsHtml()
    {
        Assert.Equal(2, Count("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>two words</p></body></html>", "application/xhtml+xml", 3));
    }

    [Fact]
    public void PlainTextMediaType_CountsTagsAsText()
    {
        Assert.Equal(2, Count("<p>two words</p>", "text/plain", int.MaxValue)); // "<p>two" and "words</p>"
    }

    private static long Count(string html, string contentType, int chunk) =>
        PythonOracleTests.Feed(BodyCounters.For(MediaTypeHeaderValue.Parse(contentType)), Encoding.UTF8.GetBytes(html), chunk);
}
