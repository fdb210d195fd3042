using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Tally.Cli.Cli;

/// <summary>
/// What a command prints: results on stdout (JSON with <c>--json</c>, lines otherwise), progress and errors on stderr,
/// so <c>tally … --json | jq</c> reads JSON only. Text from the app or an origin is printed with its control
/// characters escaped: a URL or an error cannot move the cursor or recolour a terminal.
/// </summary>
public static class Output
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Results as JSON, for scripts.</summary>
    public static Option<bool> JsonOption { get; } = new("--json") { Description = "Print results as JSON (progress and errors stay on stderr)", Recursive = true };

    /// <summary>Whether the command line asked for JSON.</summary>
    public static bool AsJson(ParseResult parse) => parse.GetValue(JsonOption);

    /// <summary>Writes <paramref name="value"/> as one line of JSON to stdout.</summary>
    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>Writes <paramref name="items"/> to stdout as one JSON array, each item as it arrives, so a long listing is never held whole.</summary>
    public static async Task<int> WriteJsonArrayAsync<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        await using var writer = new Utf8JsonWriter(stdout);
        writer.WriteStartArray();
        var count = 0;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, item, Json);
            count++;
            if (writer.BytesPending > 16_384)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
        return count;
    }

    /// <summary>Writes a line to stdout.</summary>
    public static void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>Writes a line to stderr: an error, a warning or progress.</summary>
    public static void Error(string text) => Console.Error.WriteLine(text);

    /// <summary><paramref name="text"/> with its control characters escaped (<c>\n</c>, <c>\x1b</c>), or <c>-</c> when there is none.</summary>
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "-";
        }

        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            safe.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return safe.ToString();
    }
}
