using System.Diagnostics;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Contract;

/// <summary>
/// <c>scripts/start.sh</c> without Core Tools on PATH: it fetches v4 with npx, and where that is impossible it says so
/// in one line and exits non-zero. Run with a PATH of stubs, so neither a real npx nor a real build is reached.
/// </summary>
public sealed class StartScriptTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("tally-start-");

    [Fact]
    public void WithoutCoreTools_AndNoWayToFetchThem_ItSaysSoInOneLine_AndExits127()
    {
        Stub("npx", exitCode: 1);

        var (exit, stderr) = Run();

        Assert.Equal(127, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Could not get Azure Functions Core Tools v4", line);
        Assert.Equal("--yes azure-functions-core-tools@4 --version", Calls("npx").Single());
    }

    [Fact]
    public void WithoutCoreTools_ButNpxWorking_ItGoesOnToBuildTheApp()
    {
        Stub("npx", exitCode: 0);
        Stub("npm", exitCode: 0); // a checkout without node_modules installs Azurite first
        Stub("dotnet", exitCode: 3); // stands for the build: the script stops here, having passed the Core Tools step

        var (exit, _) = Run();

        Assert.Equal(3, exit);
        Assert.StartsWith("build src/Tally.Functions", Calls("dotnet").Single());
    }

    private (int Exit, string Stderr) Run()
    {
        File.CreateSymbolicLink(Path.Combine(_bin.FullName, "dirname"), "/usr/bin/dirname");
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "scripts", "start.sh"));
        start.Environment["PATH"] = _bin.FullName;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }

    /// <summary>A command that records its arguments, one call a line, and exits with <paramref name="exitCode"/>.</summary>
    private void Stub(string name, int exitCode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("start.sh is a bash script.");
        }

        var path = Path.Combine(_bin.FullName, name);
        File.WriteAllText(path, $"#!/bin/bash\necho \"$*\" >> \"{path}.calls\"\nexit {exitCode}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string[] Calls(string name) => File.ReadAllLines(Path.Combine(_bin.FullName, $"{name}.calls"));

    public void Dispose() => _bin.Delete(recursive: true);
}
