using System.CommandLine;
using System.Globalization;
using Tally.Cli.Cli;

namespace Tally.Cli.Batches;

/// <summary><c>tally batch pages ID --format csv|json</c>: every per-page result of a batch, in the order of its URLs, streamed.</summary>
public static class BatchPagesCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The batch id" };
        var format = new Option<string>("--format") { Description = "csv (url,words,bytes,error; RFC 4180) or json (an array)", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var command = new Command("pages", "Print every page's result of a batch, in the order of its URLs");
        command.Arguments.Add(id);
        command.Options.Add(format);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var pages = Connection.Client(parse).GetBatchPagesAsync(parse.GetRequiredValue(id), cancellationToken: cancellationToken);
            if (Output.AsJson(parse) || parse.GetValue(format) == "json")
            {
                await Output.WriteJsonArrayAsync(pages, cancellationToken);
                return ExitCodes.Done;
            }

            Output.Line("url,words,bytes,error");
            await foreach (var page in pages.WithCancellation(cancellationToken))
            {
                Output.Line(string.Join(',', Csv(page.Url), Number(page.Words), Number(page.Bytes), Csv(page.Error)));
            }

            return ExitCodes.Done;
        });
        return command;
    }

    private static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>A field as RFC 4180 writes it: quoted, with its quotes doubled, when it holds a comma, a quote or a line break.</summary>
    private static string Csv(string? field) =>
        field is null ? string.Empty
        : field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
        : field;
}
