using Tally.Politeness;

namespace Tally.Tests.Politeness;

/// <summary>The parser and matcher on RFC 9309's own examples (sections 2.2.2, 2.2.3 and 5), and cases of our own.</summary>
public sealed class RobotsTxtTests
{
    // RFC 9309 section 5.1, verbatim.
    private const string RfcSimpleExample = """
        User-Agent: *
        Disallow: *.gif$
        Disallow: /example/
        Allow: /publications/

        User-Agent: foobot
        Disallow:/
        Allow:/example/page.html
        Allow:/example/allowed.gif

        User-Agent: barbot
        User-Agent: bazbot
        Disallow: /example/page.html

        User-Agent: quxbot

        EOF
        """;

    [Theory]
    [InlineData("foobot", "/example/page.html", true)]
    [InlineData("foobot", "/example/allowed.gif", true)]
    [InlineData("foobot", "/example/other.html", false)]
    [InlineData("foobot", "/", false)]
    [InlineData("barbot", "/example/page.html", false)]
    [InlineData("bazbot", "/example/page.html", false)]
    [InlineData("barbot", "/example/other.html", true)]
    [InlineData("quxbot", "/example/page.html", true)]
    [InlineData("quxbot", "/anything.gif", true)]
    [InlineData("otherbot", "/publications/", true)]
    [InlineData("otherbot", "/example/page.html", false)]
    [InlineData("otherbot", "/images/a.gif", false)]
    [InlineData("otherbot", "/images/a.gif?x", true)]
    [InlineData("FooBot", "/example/page.html", true)]
    public void RfcSimpleExample_GivesEachCrawlerItsOwnGroup(string agent, string path, bool allowed) =>
        Assert.Equal(allowed, Allowed(RfcSimpleExample, agent, path));

    [Theory]
    [InlineData("/example/page/", true)]
    [InlineData("/example/page/disallowed.gif", false)]
    [InlineData("/example/page/other.gif", true)]
    public void RfcLongestMatchExample_TheMostSpecificRuleWins(string path, bool allowed) =>
        Assert.Equal(allowed, Allowed("""
            User-Agent: foobot
            Allow: /example/page/
            Disallow: /example/page/disallowed.gif
            """, "foobot", path));

    [Theory]
    [InlineData("/foo/bar?baz=quz", "/foo/bar?baz=quz")]
    [InlineData("/foo/bar/ツ", "/foo/bar/%E3%83%84")]
    [InlineData("/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84")]
    [InlineData("/foo/bar/%62%61%7A", "/foo/bar/baz")]
    [InlineData("/path/file-with-a-%2A.html", "/path/file-with-a-*.html")]
    [InlineData("/path/foo-%24", "/path/foo-$")]
    public void RfcEncodingExamples_PatternAndUrlAreComparedInOneForm(string pattern, string path)
    {
        var robots = $"User-agent: *\nDisallow: {pattern}\n";

        Assert.False(Allowed(robots, "Tally", path));
    }

    [Theory]
    [InlineData("/page", true)]
    [InlineData("/page.html", false)]
    [InlineData("/dir/x.html", false)]
    [InlineData("/page.html?q=1", true)]
    [InlineData("/a.htm", true)]
    public void Dollar_AnchorsTheEnd_AndStar_MatchesAnyRun(string path, bool allowed) =>
        Assert.Equal(allowed, Allowed("User-agent: *\nDisallow: /*.html$\n", "Tally", path));

    [Theory]
    [InlineData("/private/x", false)]
    [InlineData("/private/public/x", true)]
    [InlineData("/private", true)]
    [InlineData("/privateer", true)]
    public void LongestMatch_DecidesBetweenAllowAndDisallow(string path, bool allowed) =>
        Assert.Equal(allowed, Allowed("""
            User-agent: Tally
            Disallow: /private/
            Allow: /private/public/
            """, "Tally", path));

    [Fact]
    public void Allow_WinsATieOfEqualLength()
    {
        const string robots = "User-agent: *\nDisallow: /page\nAllow: /page\n";

        Assert.True(Allowed(robots, "Tally", "/page"));
    }

    [Fact]
    public void EmptyDisallow_AllowsEverything() =>
        Assert.True(Allowed("User-agent: *\nDisallow:\n", "Tally", "/anything"));

    [Fact]
    public void RobotsTxtItself_IsAlwaysAllowed() =>
        Assert.True(Allowed("User-agent: *\nDisallow: /\n", "Tally", "/robots.txt"));

    [Fact]
    public void GroupsNamingTheSameCrawler_AreCombined()
    {
        const string robots = "User-agent: Tally\nDisallow: /a\n\nUser-agent: other\nDisallow: /\n\nUser-agent: tally\nDisallow: /b\n";

        Assert.False(Allowed(robots, "Tally", "/a"));
        Assert.False(Allowed(robots, "Tally", "/b"));
        Assert.True(Allowed(robots, "Tally", "/c"));
    }

    [Fact]
    public void ProductToken_IsTheLeadingNameOfTheUserAgentLine()
    {
        const string robots = "User-agent: Tally/1.0 (+https://example.com)\nDisallow: /\n";

        Assert.False(Allowed(robots, "Tally", "/x"));
    }

    [Fact]
    public void Comments_UnknownLines_AndRulesBeforeAnyGroup_AreIgnored()
    {
        const string robots = "Disallow: /\n# User-agent: Tally\nSitemap: https://example.com/s.xml\nnonsense line\nUser-agent: * # all\nDisallow: /x # not /y\n";

        Assert.True(Allowed(robots, "Tally", "/y"));
        Assert.False(Allowed(robots, "Tally", "/x"));
    }

    [Fact]
    public void Disallowing_NamesTheRuleAndItsLine()
    {
        var agent = RobotsTxt.Parse("User-agent: *\r\nAllow: /\r\nDisallow: /secret\r\n").For("Tally");

        Assert.Equal("line 3: 'Disallow: /secret'", agent.Disallowing(new Uri("http://example.com/secret/plans")));
    }

    [Fact]
    public void CrawlDelay_IsReadFromTheMatchingGroup()
    {
        var robots = RobotsTxt.Parse("User-agent: *\nCrawl-delay: 2.5\n\nUser-agent: Tally\nCrawl-delay: 0.5\nDisallow: /x\n");

        Assert.Equal(TimeSpan.FromSeconds(0.5), robots.For("Tally").CrawlDelay);
        Assert.Equal(TimeSpan.FromSeconds(2.5), robots.For("other").CrawlDelay);
    }

    [Fact]
    public void NoMatchingGroup_AndNoStarGroup_AllowsEverything() =>
        Assert.True(Allowed("User-agent: other\nDisallow: /\n", "Tally", "/x"));

    [Fact]
    public void ManyStars_AreMatchedWithoutExponentialBacktracking()
    {
        var pattern = "/" + string.Concat(Enumerable.Repeat("*a", 200)) + "b";
        var path = "/" + new string('a', 5000);

        Assert.True(Allowed($"User-agent: *\nDisallow: {pattern}\n", "Tally", path));
    }

    private static bool Allowed(string robots, string agent, string path) =>
        RobotsTxt.Parse(robots).For(agent).Disallowing(new Uri("https://www.example.com" + path)) is null;
}
