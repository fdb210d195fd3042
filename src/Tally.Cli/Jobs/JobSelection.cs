using System.CommandLine;
using Tally.Client;
using Tally.Cli.Cli;

namespace Tally.Cli.Jobs;

/// <summary>
/// Which jobs a retry or cancel takes: job ids (one call each), or a filter the server applies in bounded pages
/// (<c>--request ID</c>, or <c>--status S --since 1h</c>): never one call per job for a filter.
/// </summary>
/// <param name="defaultStatus">The status <c>--since</c> takes when no <c>--status</c> is given: the action's own.</param>
public sealed class JobSelection(string defaultStatus)
{
    /// <summary>Job ids.</summary>
    public Argument<string[]> Ids { get; } = new("id") { Description = "Job ids", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>A request's jobs.</summary>
    public Option<string?> Request { get; } = new("--request", "-r") { Description = "Every job of this request (in the action's status, or --status)" };

    /// <summary>A status's jobs.</summary>
    public Option<string?> Status { get; } = new("--status", "-s") { Description = $"Every job in this status (default with --since: {defaultStatus})" };

    /// <summary>How far back a status's jobs were requested.</summary>
    public Option<string?> Since { get; } = new("--since") { Description = "Only jobs requested this long ago or later: 90s, 30m, 1h, 2d" };

    /// <summary>Adds the argument and options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Ids);
        command.Options.Add(Request);
        command.Options.Add(Status);
        command.Options.Add(Since);
    }

    /// <summary>The ids given, or the filter; exactly one of them.</summary>
    /// <exception cref="UsageException">Both, or neither, were given.</exception>
    public (IReadOnlyList<string>? Ids, JobFilter? Filter) Read(ParseResult parse, DateTimeOffset now)
    {
        var ids = parse.GetValue(Ids) ?? [];
        var request = parse.GetValue(Request);
        var status = parse.GetValue(Status);
        var since = parse.GetValue(Since);
        var filtered = request is not null || status is not null || since is not null;
        if (ids.Length > 0)
        {
            return filtered ? throw new UsageException("Give job ids, or a filter (--request, --status, --since), not both.") : (ids, null);
        }

        if (request is not null)
        {
            return since is null ? (null, JobFilter.ForRequest(request, status)) : throw new UsageException("--since bounds a --status filter; --request takes a request's jobs whenever they were made.");
        }

        return filtered
            ? (null, JobFilter.ForStatus(status ?? defaultStatus, since is null ? null : Cli.Since.Before(since, now)))
            : throw new UsageException("Give job ids, --request <requestId>, or --status (with --since 1h to bound it).");
    }
}
