using System.Reflection;
using System.Runtime.InteropServices;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary>
/// The <c>tally</c> tool as a user gets it: <c>dotnet pack</c> of src/Tally.Cli (from the build the tests ran on) into a
/// folder, <c>dotnet tool install Tally.Cli --tool-path</c> from that folder alone (no other feed is asked), and the
/// installed <c>tally</c> command. Deleted on dispose.
/// </summary>
public sealed class TallyToolPackage : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tally-tool-");

    public string Feed => Path.Combine(_root.FullName, "feed");

    /// <summary>The installed command.</summary>
    public string Command => Path.Combine(_root.FullName, "tools", "tally");

    /// <summary>Packs the tool and installs it; throws with the output of the step that failed.</summary>
    public async Task InstallAsync()
    {
        var configuration = typeof(TallyToolPackage).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var project = Path.Combine(Repository.Root, "src", "Tally.Cli", "Tally.Cli.csproj");
        await DotnetAsync("pack", project, "--no-build", "-c", configuration, "-o", Feed);

        var config = Path.Combine(_root.FullName, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="tally" value="{Feed}" /></packageSources></configuration>
            """);
        await DotnetAsync("tool", "install", "Tally.Cli", "--tool-path", Path.Combine(_root.FullName, "tools"), "--configfile", config);
    }

    /// <summary>Runs the installed <c>tally</c> against <paramref name="app"/>, finding the runtime this test runs on.</summary>
    public Task<TallyRun> RunAsync(Uri? app, params string[] args)
    {
        var environment = TallyProcess.Environment(app);
        environment["DOTNET_ROOT"] = DotnetRoot;
        return TallyProcess.RunAsync(Command, args, environment);
    }

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>The folder holding <c>shared/Microsoft.NETCore.App</c>: three up from this runtime's own directory.</summary>
    private static string DotnetRoot => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    private async Task DotnetAsync(params string[] args)
    {
        var run = await TallyProcess.RunAsync("dotnet", args, TallyProcess.Environment(null), _root.FullName, TimeSpan.FromMinutes(5));
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed: {run}");
        }
    }
}
