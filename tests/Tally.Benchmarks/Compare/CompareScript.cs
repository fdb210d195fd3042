using System.Diagnostics;

namespace Tally.Benchmarks.Compare;

/// <summary>Runs one of the Python comparison scripts beside this assembly (Compare/*.py) and reads what it printed.</summary>
internal static class CompareScript
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="python"/>; null when that interpreter cannot be started.</summary>
    /// <returns>The exit code, standard output's words, and standard error's last line.</returns>
    public static (int ExitCode, string[] Output, string LastError)? Run(string python, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Compare", script));
        arguments.ToList().ForEach(start.ArgumentList.Add);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd().Trim().Split(' ');
            process.WaitForExit();
            return (process.ExitCode, output, error.Result.Trim().Split('\n')[^1]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
