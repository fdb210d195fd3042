using System.Diagnostics;
using Tally.Tests.Infrastructure;

namespace Tally.Host.Tests.Infrastructure;

/// <summary>
/// Tally under the real Functions host: <c>func start --port N</c> in the built app's output folder (host.json,
/// local.settings.json, worker.config.json), on the given storage, with settings that override local.settings.json
/// through the environment. Its console output is kept, so a failing test can show it. It can be killed as a crash
/// kills it (SIGKILL to the host and its worker) and started again on the same storage and port. Disposing it kills
/// every process it started.
/// </summary>
public sealed class FuncHost : IAsyncDisposable
{
    /// <summary>How long a start may take on a busy 2-core machine (about 15 s idle).</summary>
    public static readonly TimeSpan StartBudget = TimeSpan.FromMinutes(3);

    /// <summary>Runs func, and stops it (SIGTERM: the launcher stops its host and worker) if this test process dies first.</summary>
    private const string Guard = """
        parent=$1; shift
        "$@" &
        child=$!
        while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
        kill -0 "$child" 2>/dev/null && kill -TERM "$child"
        wait "$child"
        """;

    private readonly List<string> _output = [];
    private readonly string _temp = Directory.CreateTempSubdirectory("tally-func-").FullName;
    private Process? _process;

    private FuncHost(string name, string storage, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        Storage = storage;
        Settings = settings;
        Port = Ports.Free();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>What the output calls this host.</summary>
    public string Name { get; }

    /// <summary>The <c>AzureWebJobsStorage</c> connection string it runs on.</summary>
    public string Storage { get; }

    /// <summary>The settings given on top of local.settings.json (environment variables win over it).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client for the host's routes (<c>api/jobs</c>, …).</summary>
    public HttpClient Http { get; }

    /// <summary>How many lines the host has written so far: a mark for <see cref="OutputSince"/>.</summary>
    public int Mark
    {
        get
        {
            lock (_output)
            {
                return _output.Count;
            }
        }
    }

    /// <summary>Starts a host and waits until <c>/api/health</c> answers 200.</summary>
    public static async Task<FuncHost> StartAsync(string name, string storage, IReadOnlyDictionary<string, string> settings)
    {
        var host = new FuncHost(name, storage, settings);
        try
        {
            await host.LaunchAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The host's output from <paramref name="mark"/> on, at most the last <paramref name="lines"/> lines.</summary>
    public string OutputSince(int mark, int lines = 400)
    {
        lock (_output)
        {
            var from = Math.Max(mark, _output.Count - lines);
            var skipped = from > mark ? $"[{from - mark} earlier lines left out]\n" : "";
            return skipped + string.Join('\n', _output.Skip(from));
        }
    }

    /// <summary>
    /// Kills the host as a crash does: SIGKILL to its process group (the host and its worker) and to every other
    /// process func started, with no chance to finish a message, release a lease or say goodbye. Returns once they are gone.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        Record($"--- {Name}: kill -9 of the host and its worker ---");
        ProcessTree.KillDescendants(_process.Id);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the host again on the same storage, port and settings (after <see cref="KillAsync"/>), and waits until it is healthy.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        Record($"--- {Name}: restarting on the same storage ---");
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        Directory.Delete(_temp, recursive: true);
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", Guard, "func-guard", $"{Environment.ProcessId}", FuncLocator.Require(), "start", "--port", $"{Port}" },
            WorkingDirectory = Repository.FunctionsAppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["AzureWebJobsStorage"] = Storage;
        start.Environment["TMPDIR"] = _temp; // the host's secrets, logs and key ring land here and go with it
        foreach (var (key, value) in Settings)
        {
            start.Environment[key] = value;
        }

        if (!File.Exists(Path.Combine(Repository.FunctionsAppDirectory, "worker.config.json")))
        {
            throw new InvalidOperationException($"The function app is not built at {Repository.FunctionsAppDirectory}: build the solution first (dotnet build Functions.sln).");
        }

        Record($"--- {Name}: func start --port {Port} in {Repository.FunctionsAppDirectory} ---");
        var process = Process.Start(start) ?? throw new InvalidOperationException("func did not start.");
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var started = Stopwatch.StartNew();
        while (!await IsHealthyAsync())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"func exited with code {process.ExitCode} before {Name} was healthy:\n{OutputSince(0)}");
            }

            if (started.Elapsed > StartBudget)
            {
                throw new TimeoutException($"{Name} did not answer 200 on /api/health within {StartBudget.TotalSeconds:F0} s:\n{OutputSince(0)}");
            }

            await Task.Delay(250);
        }

        Record($"--- {Name}: healthy after {started.Elapsed.TotalSeconds:F1} s ---");
    }

    private async Task<bool> IsHealthyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await Http.GetAsync("api/health", timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
