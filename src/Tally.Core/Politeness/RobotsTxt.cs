using System.Globalization;

namespace Tally.Politeness;

/// <summary>
/// A parsed robots.txt (RFC 9309): its groups of rules by user agent, and the verdict for a crawler's product token
/// and a URL: the matching rule with the longest pattern decides, an allow winning a tie; no matching rule allows.
/// </summary>
public sealed class RobotsTxt
{
    /// <summary>The most octets parsed; the RFC asks for at least 500 KiB, and what follows is ignored.</summary>
    public const int MaxBytes = 512 * 1024;

    private readonly List<Group> _groups;

    private RobotsTxt(List<Group> groups) => _groups = groups;

    /// <summary>A robots.txt that allows everything: what a missing one (a 4xx) means.</summary>
    public static RobotsTxt AllowAll { get; } = new([]);

    /// <summary>Parses <paramref name="text"/>; unknown lines are ignored, as the RFC asks, so this never fails.</summary>
    public static RobotsTxt Parse(string text)
    {
        var groups = new List<Group>();
        Group? current = null;
        var lineNumber = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = raw;
            if (line.IndexOf('#') is var hash and >= 0)
            {
                line = line[..hash];
            }

            if (line.IndexOf(':') is not (var colon and > 0))
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim().ToString();
            if (key.Equals("user-agent", StringComparison.OrdinalIgnoreCase))
            {
                if (current is null || current.Rules.Count > 0 || current.CrawlDelay is not null)
                {
                    current = new Group();
                    groups.Add(current);
                }

                current.Agents.Add(ProductToken(value));
            }
            else if (current is not null && (key.Equals("allow", StringComparison.OrdinalIgnoreCase) || key.Equals("disallow", StringComparison.OrdinalIgnoreCase)))
            {
                if (RobotsPattern.Parse(value) is { } pattern)
                {
                    current.Rules.Add(new RobotsRule(key.Length == 5, pattern, lineNumber, $"{key}: {value}"));
                }
            }
            else if (current is not null && key.Equals("crawl-delay", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                current.CrawlDelay = TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
            }
        }

        return new RobotsTxt(groups);
    }

    /// <summary>The rules for <paramref name="productToken"/>: every group naming it, else every <c>*</c> group, combined.</summary>
    public RobotsAgent For(string productToken)
    {
        var named = _groups.Where(g => g.Agents.Any(a => a.Equals(productToken, StringComparison.OrdinalIgnoreCase))).ToList();
        var groups = named.Count > 0 ? named : _groups.Where(g => g.Agents.Contains("*")).ToList();
        return new RobotsAgent([.. groups.SelectMany(g => g.Rules)], groups.Select(g => g.CrawlDelay).Max());
    }

    /// <summary>The product token a <c>user-agent</c> line names: its leading letters, <c>_</c> and <c>-</c> (<c>ExampleBot/1.0</c> names <c>ExampleBot</c>), or <c>*</c>.</summary>
    private static string ProductToken(string value)
    {
        if (value.StartsWith('*'))
        {
            return "*";
        }

        var end = 0;
        while (end < value.Length && (char.IsAsciiLetter(value[end]) || value[end] is '_' or '-'))
        {
            end++;
        }

        return value[..end];
    }

    private sealed class Group
    {
        public List<string> Agents { get; } = [];

        public List<RobotsRule> Rules { get; } = [];

        public TimeSpan? CrawlDelay { get; set; }
    }
}

/// <summary>One allow or disallow line.</summary>
/// <param name="Allow">Whether it allows.</param>
/// <param name="Pattern">Its path pattern.</param>
/// <param name="Line">Its line number in the file, from 1.</param>
/// <param name="Text">The line as written (without its comment), to name it in an error.</param>
internal sealed record RobotsRule(bool Allow, RobotsPattern Pattern, int Line, string Text);

/// <summary>The rules of a robots.txt that apply to one crawler.</summary>
public sealed class RobotsAgent
{
    private readonly IReadOnlyList<RobotsRule> _rules;

    internal RobotsAgent(IReadOnlyList<RobotsRule> rules, TimeSpan? crawlDelay) => (_rules, CrawlDelay) = (rules, crawlDelay);

    /// <summary>The <c>Crawl-delay</c> its groups ask for (the longest, when several do), if any.</summary>
    public TimeSpan? CrawlDelay { get; }

    /// <summary>The rule that disallows <paramref name="url"/>, as <c>line N: 'Disallow: …'</c>, or null when it is allowed.</summary>
    public string? Disallowing(Uri url)
    {
        var path = RobotsPattern.PathOf(url);
        if (path == "/robots.txt")
        {
            return null; // always allowed (RFC 9309 section 2.2.2)
        }

        RobotsRule? best = null;
        foreach (var rule in _rules)
        {
            if ((best is null || rule.Pattern.Length > best.Pattern.Length || (rule.Pattern.Length == best.Pattern.Length && rule.Allow && !best.Allow))
                && rule.Pattern.Matches(path))
            {
                best = rule;
            }
        }

        return best is { Allow: false } ? $"line {best.Line}: '{best.Text}'" : null;
    }
}
