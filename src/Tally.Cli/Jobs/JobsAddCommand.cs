using System.CommandLine;
using Tally.Client;
using Tally.Cli.Cli;

namespace Tally.Cli.Jobs;

/// <summary><c>tally jobs add URL… | --file urls.txt [--wait]</c>: enqueues the URLs as one request, and with <c>--wait</c> waits for every job with a progress bar.</summary>
public static class JobsAddCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var urls = new UrlList();
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait until every job has finished, showing progress; exit 1 if any did not succeed" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "A key of yours: the same command with it again answers as the first and enqueues nothing more" };
        var command = new Command("add", "Enqueue URLs, one job each, as one request");
        urls.AddTo(command);
        command.Options.Add(wait);
        command.Options.Add(idempotencyKey);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tally = Connection.Client(parse);
            var request = await tally.EnqueueAsync(await urls.ReadAsync(parse, cancellationToken), new EnqueueOptions(IdempotencyKey: parse.GetValue(idempotencyKey)), cancellationToken);
            if (!parse.GetValue(wait))
            {
                Write(parse, request.RequestId, request.Jobs);
                return ExitCodes.Done;
            }

            var jobs = await ProgressView.ShowAsync<JobsProgress, IReadOnlyList<Job>>(
                "jobs", p => new Counts(p.Done, p.Total, p.Failed), progress => tally.WaitAsync(request, progress, cancellationToken));
            Write(parse, request.RequestId, jobs);
            return jobs.All(job => job.Status == JobStatuses.Succeeded) ? ExitCodes.Done : ExitCodes.SomeFailed;
        });
        return command;
    }

    private static void Write(ParseResult parse, string requestId, IReadOnlyList<Job> jobs)
    {
        if (Output.AsJson(parse))
        {
            Output.WriteJson(new EnqueuedJobs(requestId, jobs));
            return;
        }

        Output.Line($"request {requestId}");
        foreach (var job in jobs)
        {
            Output.Line(JobText.Line(job));
        }
    }
}
