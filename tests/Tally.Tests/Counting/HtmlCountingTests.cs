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
    [InlineData("<li>a</li><li>b</li><td>c</td><td>d</td><h1>e</h1>f", 6)]
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
    [InlineData("<title>Page title</title><p>body</p>", 3)]
    public void Html_CountsTheWordsAReaderSees(string html, long expected)
    {
        Assert.Equal(expected, Count(html, "text/html; charset=utf-8", chunk: int.MaxValue));
    }

    [Fact]
    public void RealisticPage_CountsOnlyTheVisibleText_InAnyChunking()
    {
        const string page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Tally &mdash; News</title>
              <style>body { font: 14px/1.4 sans-serif } .nav > li { display: inline }</style>
              <script>window.dataLayer = window.dataLayer || []; function gtag(){ dataLayer.push(arguments) }</script>
            </head>
            <body>
              <nav><ul class="nav"><li><a href="/">Home</a></li><li><a href="/about">About&nbsp;us</a></li></ul></nav>
              <!-- main content starts here -->
              <article>
                <h1>Counting words, fast</h1>
                <p>Tally counts the words a <em>reader</em> sees &ndash; not the markup.</p>
                <p>It streams: memory stays flat<br>however large the page.</p>
                <template><p>never shown</p></template>
              </article>
              <footer>&copy; 2026 Tally</footer>
              <script src="/app.js"></script>
            </body>
            </html>
            """;

        // title: Tally — News (3); nav: Home About us (3); h1: 3; p1: 11; p2: 5 + 4 across the <br>; footer: © 2026 Tally (3)
        foreach (var chunk in new[] { int.MaxValue, 1, 2, 7, 64 })
        {
            Assert.Equal(32, Count(page, "text/html", chunk));
        }
    }

    [Fact]
    public void MalformedBlogPage_CountsAsABrowserWouldShowIt_InAnyChunking()
    {
        const string page = """
            <html><head><title>My blog</title>
            <script type="text/javascript">
              var nav = "<div>not text</div>"; if (a < b) { go(); }
            </script></head>
            <body class=main>
            <div id=header><a href=/>Home</a> | <a href="/posts">Posts</a></div>
            <h2>Unclosed tags &amp; stray brackets
            <p>First paragraph with <i>italic<b>and bold</i></b> text
            <p>Second: 3 < 5 &gt; 2 and caf&eacute;&nbsp;au&nbsp;lait
            <ul><li>one<li>two<li>three</ul>
            <!-- <p>commented out paragraph</p> -->
            <footer>&copy;2026
            """;

        // title 2; header "Home | Posts" 3; h2 5; p "First paragraph with italicand bold text" 6
        // (inline tags join "italic" and "and"); p "Second: 3 < 5 > 2 and café au lait" 10; list 3; footer "©2026" 1
        foreach (var chunk in new[] { int.MaxValue, 1, 3, 16 })
        {
            Assert.Equal(30, Count(page, "text/html", chunk));
        }
    }

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
