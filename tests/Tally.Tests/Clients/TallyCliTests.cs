using System.Text.Json;
using System.Text.RegularExpressions;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary>
/// The <c>tally</c> tool run as a process against the running app (HTTP on a real port, Azurite, a real origin), with
/// its output redirected as a script's is: every command, its <c>--json</c> parsed, its exit codes, its progress lines.
/// The classes in <see cref="TallyCliCollection"/> derive from it; every test has a folder of its own for the files it writes.
/// </summary>
public abstract partial class TallyCliTests(Uri baseAddress, Origin origin) : IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("tally-cli-");

    protected Origin Origin { get; } = origin;

    public void Dispose() => _files.Delete(recursive: true);

    protected Task<TallyRun> Tally(params string[] args) => TallyProcess.RunAsync(baseAddress, args);

    [GeneratedRegex(@"^(jobs|pages): \d+/\d+ done, \d+ failed, \d+\.\d/s, ETA (\d+:\d\d:\d\d|-)$")]
    protected static partial Regex ProgressLine();

    protected async Task<string> UrlFileAsync(params Uri[] urls)
    {
        var path = Path.Combine(_files.FullName, $"urls-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(path, ["# URLs to count", .. urls.Select(u => u.ToString()), ""]);
        return path;
    }

    protected async Task<List<string[]>> PythonCsvAsync(string csv)
    {
        var input = Path.Combine(_files.FullName, "pages.csv");
        await File.WriteAllTextAsync(input, csv);
        var run = await TallyProcess.RunAsync("python3", ["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))", input], new Dictionary<string, string?>());
        return JsonSerializer.Deserialize<List<string[]>>(run.Stdout)!;
    }
}
