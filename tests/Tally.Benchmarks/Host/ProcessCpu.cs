using System.Diagnostics;
using Tally.Host.Tests.Infrastructure;

namespace Tally.Benchmarks.Host;

/// <summary>
/// CPU time (user + system, which .NET reads from <c>/proc/&lt;pid&gt;/stat</c>) of each process the benchmark started,
/// by role: Azurite, the origin, the Functions host, its worker (the dotnet process running <c>Tally.Functions.dll</c>,
/// a child of the host), func's launcher (bash and the awk that formats the host's log), and this driver (the
/// storage proxy and the HTTP calls). Processes are found anew at every reading, so a restarted worker is still counted.
/// </summary>
internal sealed class ProcessCpu(int azurite, int origin)
{
    /// <summary>The roles, in the order the tables print them.</summary>
    public static readonly string[] Roles = ["azurite", "host", "worker", "launcher", "origin", "driver"];

    /// <summary>CPU seconds of each role so far.</summary>
    public IReadOnlyDictionary<string, double> Read()
    {
        var seconds = Roles.ToDictionary(role => role, _ => 0.0);
        seconds["driver"] = Cpu(Environment.ProcessId);
        foreach (var (pid, _) in ProcessTree.Descendants(Environment.ProcessId))
        {
            var role = pid == azurite ? "azurite" : pid == origin ? "origin" : CommandLine(pid) switch
            {
                var line when line.Contains("Tally.Functions.dll", StringComparison.Ordinal) => "worker",
                var line when line.Contains("WebJobs.Script.WebHost", StringComparison.Ordinal) => "host",
                "" => null, // gone while we looked
                _ => "launcher",
            };
            if (role is not null)
            {
                seconds[role] += Cpu(pid);
            }
        }

        return seconds;
    }

    /// <summary>The worker's process id, once the host has started it.</summary>
    public static int? Worker() => ProcessTree.Descendants(Environment.ProcessId)
        .Select(p => p.Pid).Cast<int?>().FirstOrDefault(pid => CommandLine(pid!.Value).Contains("Tally.Functions.dll", StringComparison.Ordinal));

    private static double Cpu(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime.TotalSeconds;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return 0; // exited
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
