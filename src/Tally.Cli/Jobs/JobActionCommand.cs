using System.CommandLine;
using Tally.Client;
using Tally.Cli.Cli;

namespace Tally.Cli.Jobs;

/// <summary>
/// <c>tally jobs retry|cancel ID… | --request ID | --status S [--since 1h]</c>: ids one call each (an id that cannot be
/// changed is reported and the others go on; exit 1), a filter through the server's bulk route.
/// </summary>
public static class JobActionCommand
{
    /// <summary><c>tally jobs retry</c>: enqueue failed (or canceled) jobs again.</summary>
    public static Command Retry() => Create(
        "retry", "Retry failed or canceled jobs: by id, a request's failed ones, or a status's since a time", JobStatuses.Failed,
        (tally, id, ct) => tally.RetryJobAsync(id, ct), (tally, filter, dryRun, ct) => dryRun ? tally.CountRetryAsync(filter, ct) : tally.RetryJobsAsync(filter, ct));

    /// <summary><c>tally jobs cancel</c>: cancel jobs that have not started.</summary>
    public static Command Cancel() => Create(
        "cancel", "Cancel jobs that have not started: by id, a request's queued ones, or a status's since a time", JobStatuses.Queued,
        (tally, id, ct) => tally.CancelJobAsync(id, ct), (tally, filter, dryRun, ct) => dryRun ? tally.CountCancelAsync(filter, ct) : tally.CancelJobsAsync(filter, ct));

    private static Command Create(
        string name, string description, string defaultStatus,
        Func<TallyClient, string, CancellationToken, Task<Job>> one, Func<TallyClient, JobFilter, bool, CancellationToken, Task<BulkOutcome>> bulk)
    {
        var selection = new JobSelection(defaultStatus);
        var dryRun = new Option<bool>("--dry-run") { Description = "With a filter: count the jobs it matches, change none" };
        var command = new Command(name, description);
        selection.AddTo(command);
        command.Options.Add(dryRun);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (ids, filter) = selection.Read(parse, DateTimeOffset.UtcNow);
            var counting = parse.GetValue(dryRun);
            if (counting && filter is null)
            {
                throw new UsageException("--dry-run counts what a filter (--request, --status, --since) matches; job ids are taken one by one.");
            }

            var tally = Connection.Client(parse);
            if (filter is not null)
            {
                var outcome = await bulk(tally, filter, counting, cancellationToken);
                if (Output.AsJson(parse))
                {
                    Output.WriteJson(outcome);
                }
                else
                {
                    Output.Line(counting ? $"matched {outcome.Matched} (dry run: none changed)" : $"matched {outcome.Matched}, changed {outcome.Changed}");
                }

                return ExitCodes.Done;
            }

            var changed = new List<Job>();
            var refused = 0;
            foreach (var id in ids!)
            {
                try
                {
                    changed.Add(await one(tally, id, cancellationToken));
                }
                catch (TallyException ex) when (!ex.IsTransient)
                {
                    refused++;
                    Output.Error($"{Output.Safe(id)}: {Output.Safe(ex.Message)}");
                }
            }

            if (Output.AsJson(parse))
            {
                Output.WriteJson(changed);
            }
            else
            {
                changed.ForEach(job => Output.Line(JobText.Line(job)));
            }

            return refused == 0 ? ExitCodes.Done : ExitCodes.SomeFailed;
        });
        return command;
    }
}
