using Microsoft.DurableTask.Testing;
using Tally.Functions.Batches;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary>
/// The app as a client meets it: its HTTP functions on a real port (<see cref="FunctionsServer"/>, routes and auth levels
/// from functions.metadata) over Azurite and the Durable test host, a real origin, and a worker that drains the job
/// queue as the host's listener would, unless a test holds it (to see jobs queued).
/// </summary>
public sealed class RunningApp : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _draining = new(1, 1);
    private DurableTaskTestHost _durable = null!;
    private Task _worker = Task.CompletedTask;

    public Azurite Azurite { get; } = new();

    public Origin Origin { get; } = new();

    public TallyApp App { get; private set; } = null!;

    public FunctionsServer Server { get; private set; } = null!;

    /// <summary>The app's base address, without <c>/api</c>, as <c>TALLY_URL</c> takes it.</summary>
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>While set, the worker starts no drain: jobs stay queued. Set it with <see cref="HoldWorkerAsync"/>; clear it to let the worker go on.</summary>
    public bool HoldWorker { get; set; }

    /// <summary>Holds the worker, and waits for a drain under way to end (it would claim jobs enqueued after the hold): from then on, jobs enqueued stay queued.</summary>
    public async Task HoldWorkerAsync()
    {
        HoldWorker = true;
        await _draining.WaitAsync();
        _draining.Release();
    }

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Azurite.InitializeAsync(), Origin.InitializeAsync());
        App = new TallyApp(Azurite, new Dictionary<string, string?>
        {
            ["Tally:Batches:RetryInterval"] = "00:00:00.050",
            ["Tally:Callbacks:SigningSecret"] = Receiver.Secret, // callbackUrl is taken, so jobs can carry a callback
        });
        await App.ClearQueuesAsync();
        _durable = await BatchApp.StartTestHostAsync(App.Get<BatchFunctions>());
        Server = await FunctionsServer.StartAsync(App.Services, _durable.Client);
        _worker = Task.Run(WorkAsync);
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!HoldWorker)
            {
                await _draining.WaitAsync();
                try
                {
                    if (!HoldWorker)
                    {
                        await App.Host.DrainAsync();
                    }
                }
                finally
                {
                    _draining.Release();
                }
            }

            try
            {
                await Task.Delay(50, _stop.Token); // the host's listener polls the queue likewise
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _worker;
        await Server.DisposeAsync();
        await _durable.DisposeAsync();
        await App.DisposeAsync();
        await Origin.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
