using System.CommandLine;
using Tally.Client;
using Tally.Cli.Cli;

namespace Tally.Cli.Batches;

/// <summary><c>tally batch start --file urls.txt [--parallelism 32] [--watch]</c>: starts a fan-out, and with <c>--watch</c> shows its progress until it has finished.</summary>
public static class BatchStartCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var urls = new UrlList();
        var parallelism = new Option<int?>("--parallelism", "-p") { Description = "The most fetches in flight at once (default: the app's)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Show progress until the batch has finished; exit 1 if any page failed or the batch did not complete" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "A key of yours: the same command with it again answers the first batch and starts no other" };
        var command = new Command("start", "Start a batch over many URLs");
        urls.AddTo(command);
        command.Options.Add(parallelism);
        command.Options.Add(watch);
        command.Options.Add(idempotencyKey);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tally = Connection.Client(parse);
            var started = await tally.StartBatchAsync(await urls.ReadAsync(parse, cancellationToken), parse.GetValue(parallelism), parse.GetValue(idempotencyKey), cancellationToken);
            if (!parse.GetValue(watch))
            {
                if (Output.AsJson(parse))
                {
                    Output.WriteJson(started);
                }
                else
                {
                    Output.Line($"batch {started.Id} {started.Status}");
                }

                return ExitCodes.Done;
            }

            var batch = await ProgressView.ShowAsync<BatchProgress, Batch>(
                "pages", p => new Counts(p.Done, p.Total, p.Failed), progress => tally.WaitAsync(started, progress, cancellationToken));
            if (Output.AsJson(parse))
            {
                Output.WriteJson(batch);
            }
            else
            {
                BatchText.WriteDetail(batch);
            }

            return BatchText.Succeeded(batch) ? ExitCodes.Done : ExitCodes.SomeFailed;
        });
        return command;
    }
}
