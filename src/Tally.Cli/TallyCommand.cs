using System.CommandLine;
using System.CommandLine.Invocation;
using Tally.Client;
using Tally.Cli.Batches;
using Tally.Cli.Cli;
using Tally.Cli.Jobs;

namespace Tally.Cli;

/// <summary><c>tally</c>: its commands, and the one place where what went wrong becomes a message on stderr and an exit code.</summary>
public static class TallyCommand
{
    /// <summary>The root command, with <c>--url</c>, <c>--key</c> and <c>--json</c> on every command.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("tally: Tally from a terminal. The app is at TALLY_URL (or --url), with the function key TALLY_KEY (or --key).\n"
            + "Exit codes: 0 done, 1 some failed (or Tally refused; its detail is on stderr), 2 usage, 3 unreachable.")
        {
            new Command("jobs", "Enqueue, read, list, retry and cancel jobs")
            {
                JobsAddCommand.Create(),
                GetCommand.Create("Show a job's state and result", "The job id", (tally, id, ct) => tally.GetJobAsync(id, ct), JobText.WriteDetail),
                JobsListCommand.Create(),
                JobActionCommand.Retry(),
                JobActionCommand.Cancel(),
            },
            new Command("batch", "Start batches and read their results")
            {
                BatchStartCommand.Create(),
                GetCommand.Create("Show a batch's status, progress and totals", "The batch id", (tally, id, ct) => tally.GetBatchAsync(id, ct), BatchText.WriteDetail),
                BatchPagesCommand.Create(),
            },
            HealthCommand.Create(),
        };
        root.Options.Add(Connection.Url);
        root.Options.Add(Connection.Key);
        root.Options.Add(Output.JsonOption);
        return root;
    }

    /// <summary>Runs the command line and answers its exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Create().Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                Output.Error(error.Message);
            }

            Output.Error("See 'tally --help'.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            Output.Error(ex.Message);
            return ExitCodes.Usage;
        }
        catch (TallyException ex)
        {
            Output.Error($"Tally answered {(int)ex.Status} {Output.Safe(ex.Title)}: {Output.Safe(ex.Detail ?? ex.Message)}");
            foreach (var error in ex.Errors)
            {
                Output.Error($"  {Output.Safe(error)}");
            }

            return ExitCodes.SomeFailed;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException { InnerException: TimeoutException }))
        {
            Output.Error($"Nothing answered at {Output.Safe(Connection.Address(parse))} ({Output.Safe(ex.Message)}). Is the app running? Set TALLY_URL or --url to its address.");
            return ExitCodes.Unreachable;
        }
    }
}
