using System.CommandLine;
using Tally.Client;
using Tally.Cli.Cli;

namespace Tally.Cli.Jobs;

/// <summary><c>tally jobs list --status failed [--origin host] | --request ID [--limit n] [--json]</c>: jobs newest first, or a request's in the order given.</summary>
public static class JobsListCommand
{
    private static readonly string[] Statuses =
        [JobStatuses.Scheduled, JobStatuses.Queued, JobStatuses.Running, JobStatuses.Succeeded, JobStatuses.Failed, JobStatuses.Canceled];

    /// <summary>The command.</summary>
    public static Command Create()
    {
        var status = new Option<string?>("--status", "-s") { Description = "Jobs in this status, newest first" };
        status.AcceptOnlyFromAmong(Statuses);
        var request = new Option<string?>("--request", "-r") { Description = "A request's jobs, in the order given (any status, or --status)" };
        var origin = new Option<string?>("--origin") { Description = "Only jobs of this host, host:port or origin" };
        var limit = new Option<int>("--limit", "-n") { Description = "The most jobs to print; 0 for all", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--limit must be 0 (all) or more.");
            }
        });
        var command = new Command("list", "List jobs by status, or a request's jobs");
        command.Options.Add(status);
        command.Options.Add(request);
        command.Options.Add(origin);
        command.Options.Add(limit);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tally = Connection.Client(parse);
            var statusName = parse.GetValue(status);
            var requestId = parse.GetValue(request);
            var jobs = (requestId, statusName) switch
            {
                (not null, _) when parse.GetValue(origin) is not null => throw new UsageException("--origin narrows a --status listing; a --request listing is a request's jobs whatever their origin."),
                (not null, _) => tally.ListRequestJobsAsync(requestId, statusName, cancellationToken: cancellationToken),
                (null, not null) => tally.ListJobsAsync(statusName, parse.GetValue(origin), cancellationToken: cancellationToken),
                _ => throw new UsageException($"Give --status ({string.Join(", ", Statuses)}) or --request <requestId>."),
            };
            var most = parse.GetValue(limit);
            var more = false;
            var shown = most == 0 ? jobs : Limited(jobs, most, () => more = true);
            if (Output.AsJson(parse))
            {
                await Output.WriteJsonArrayAsync(shown, cancellationToken);
            }
            else
            {
                await foreach (var job in shown.WithCancellation(cancellationToken))
                {
                    Output.Line(JobText.Line(job));
                }
            }

            if (more)
            {
                Output.Error($"More jobs than --limit {most}: raise it, or give --limit 0 for all.");
            }

            return ExitCodes.Done;
        });
        return command;
    }

    /// <summary>The first <paramref name="most"/> items; reads one more to tell whether there are more, and says so through <paramref name="onMore"/>.</summary>
    private static async IAsyncEnumerable<Job> Limited(IAsyncEnumerable<Job> jobs, int most, Action onMore)
    {
        var count = 0;
        await foreach (var job in jobs)
        {
            if (count++ == most)
            {
                onMore();
                yield break;
            }

            yield return job;
        }
    }
}
