using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// A real Azurite, started from the repository's node_modules on free loopback ports, in memory,
/// with telemetry off, and killed (with its children) when the tests end.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _location;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The node process serving storage (the host suite stops and continues it to stage an outage).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>
    /// The storage clients' try timeout for an app on this Azurite: one node process serving every test on a
    /// busy 2-core machine can stall for seconds, which is slowness, not the outage the 2 s default is for.
    /// The budget itself is tested against hung storage, with the default.
    /// </summary>
    public static KeyValuePair<string, string?> TryTimeoutSetting { get; } = new("Tally:Storage:TryTimeout", "00:00:30");

    public async Task InitializeAsync()
    {
        var script = Path.Combine(Repository.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}. Run 'npm ci' at the repository root (scripts/test.sh does).");
        }

        int[] ports = [Ports.Free(), Ports.Free(), Ports.Free()];
        _location = Directory.CreateTempSubdirectory("tally-azurite-").FullName;
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--silent", "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck",
                "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}",
                "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}",
                "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _location, // in memory, nothing should be written; anything that is lands here and is deleted
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        foreach (var port in ports)
        {
            await Eventually.GetAsync(() => AcceptsAsync(port), ready => ready || _process.HasExited, TimeSpan.FromSeconds(60), $"Azurite on port {port}");
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}: {Output}");
            }
        }

        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + $"AccountKey={AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;"
            + $"QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;"
            + $"TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_location is not null)
        {
            Directory.Delete(_location, recursive: true);
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Record(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
