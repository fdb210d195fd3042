using System.Net;
using System.Net.Sockets;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// A storage account that hangs: a listener on 127.0.0.1 that accepts every connection, reads what it is
/// sent and never answers, as a storage emulator does when it is stopped with its connections open.
/// </summary>
public sealed class HungStorage : IAsyncDisposable
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public string ConnectionString { get; private set; } = "";

    public static HungStorage Start()
    {
        var storage = new HungStorage();
        storage._listener.Start();
        var endpoint = $"http://127.0.0.1:{((IPEndPoint)storage._listener.LocalEndpoint).Port}/devstoreaccount1";
        storage.ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};"
            + $"BlobEndpoint={endpoint};QueueEndpoint={endpoint};TableEndpoint={endpoint};";
        storage._accepting = storage.AcceptAsync();
        return storage;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(socket);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_held)
        {
            _held.ForEach(socket => socket.Dispose());
        }

        _stop.Dispose();
    }
}
