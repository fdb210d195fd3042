using System.Globalization;

namespace Tally.Cli.Cli;

/// <summary>Reads <c>--since</c>: a span back from now, a number and a unit (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>2d</c>).</summary>
public static class Since
{
    /// <summary>The instant <paramref name="text"/> before <paramref name="now"/>.</summary>
    /// <exception cref="UsageException">The text is not a number followed by s, m, h or d.</exception>
    public static DateTimeOffset Before(string text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        var unit = text.Length > 1 ? text[^1] : '\0';
        if (!int.TryParse(text.AsSpan(0, Math.Max(text.Length - 1, 0)), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            unit = '\0';
        }

        var span = unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => throw new UsageException($"--since takes a positive whole number and a unit: 90s, 30m, 1h or 2d; '{text}' is not one."),
        };
        return now - span;
    }
}
