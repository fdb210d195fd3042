using System.Diagnostics;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary>What a run of <c>tally</c> did: its exit code and everything it wrote.</summary>
public sealed record TallyRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the <c>tally</c> tool as a process, as a script would: stdin, stdout and stderr redirected (so not a terminal),
/// <c>TALLY_URL</c> and <c>TALLY_KEY</c> set to the app under test unless the test sets its own. A run past its deadline
/// is killed and fails the test.
/// </summary>
public static class TallyProcess
{
    /// <summary>The tool as built (src/Tally.Cli), run through <c>dotnet</c>.</summary>
    public static Task<TallyRun> RunAsync(Uri app, params string[] args) => RunAsync("dotnet", [Path.Combine(Repository.CliDirectory, "Tally.Cli.dll"), .. args], Environment(app));

    /// <summary>The environment that points the tool at <paramref name="app"/>, with the test server's function key.</summary>
    public static Dictionary<string, string?> Environment(Uri? app) => new()
    {
        ["TALLY_URL"] = app?.ToString().TrimEnd('/'),
        ["TALLY_KEY"] = app is null ? null : FunctionsServer.Key,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="args"/> in <paramref name="environment"/> (a null value removes the variable).</summary>
    public static async Task<TallyRun> RunAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null, TimeSpan? within = null)
    {
        var start = new ProcessStartInfo(fileName, args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not exit within its deadline; stderr so far: {(stderr.IsCompleted ? stderr.Result : "(open)")}");
        }

        return new TallyRun(process.ExitCode, await stdout, await stderr);
    }
}
