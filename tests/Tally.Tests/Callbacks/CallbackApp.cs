using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tally.Callbacks;
using Tally.Functions.Callbacks;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>
/// A test class with the app configured for callbacks (the receiver's secret, retries 200 ms apart, a 2 s timeout), the
/// delivery queue's host, and the receiver; queues start and end empty.
/// </summary>
public abstract class CallbackAppTests : IAsyncLifetime
{
    /// <summary>Four retries, 200 ms apart: five attempts in all.</summary>
    protected const string ShortDelays = "00:00:00.2,00:00:00.2,00:00:00.2,00:00:00.2";

    protected CallbackAppTests(Azurite azurite, Receiver receiver, IDictionary<string, string?>? settings = null)
    {
        Receiver = receiver;
        ConnectionString = azurite.ConnectionString;
        var values = new Dictionary<string, string?>
        {
            ["Tally:Callbacks:SigningSecret"] = Receiver.Secret,
            ["Tally:Callbacks:RetryDelays"] = ShortDelays,
            ["Tally:Callbacks:Timeout"] = "00:00:02",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        App = new TallyApp(azurite, values);
        Deliveries = new CallbackQueueHost(
            new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }),
            ActivatorUtilities.CreateInstance<CallbacksWorker>(App.Services));
    }

    protected TallyApp App { get; }

    /// <summary>The Azurite the app runs on.</summary>
    protected string ConnectionString { get; }

    protected Receiver Receiver { get; }

    /// <summary>Stands in for the host's listener on <c>tally-callbacks</c>.</summary>
    protected CallbackQueueHost Deliveries { get; }

    protected DeliveriesApi DeliveriesApi => ActivatorUtilities.CreateInstance<DeliveriesApi>(App.Services);

    public async Task InitializeAsync()
    {
        await App.ClearQueuesAsync();
        await Deliveries.ClearAsync();
    }

    public async Task DisposeAsync()
    {
        await App.ClearQueuesAsync();
        await Deliveries.ClearAsync();
        await App.DisposeAsync();
    }

    /// <summary>Runs the job and delivery queues until <paramref name="endpoint"/> has received <paramref name="calls"/> calls and the delivery is no longer pending.</summary>
    protected async Task<IReadOnlyList<ReceivedCall>> CallsAsync(Uri endpoint, int calls = 1)
    {
        await App.Host.DrainAsync();
        await Deliveries.UntilAsync(async () => Receiver.Calls(endpoint).Count >= calls && await SettledAsync(endpoint), what: $"{calls} call(s) to {endpoint}");
        return Receiver.Calls(endpoint);
    }

    /// <summary>The deliveries to <paramref name="endpoint"/>, as stored.</summary>
    protected async Task<IReadOnlyList<DeliveryEntity>> DeliveriesToAsync(Uri endpoint)
    {
        var table = App.Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(DeliveryLog.TableName);
        await table.CreateIfNotExistsAsync();
        return await table.QueryAsync<DeliveryEntity>(d => d.Url == endpoint.AbsoluteUri).ToListAsync();
    }

    /// <summary>Whether every delivery to <paramref name="endpoint"/> is delivered or failed.</summary>
    protected async Task<bool> SettledAsync(Uri endpoint) =>
        (await DeliveriesToAsync(endpoint)) is { Count: > 0 } deliveries && deliveries.All(d => d.State != DeliveryStates.Pending);

    /// <summary>Reloads the app's settings with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    protected void Set(string key, string value)
    {
        var configuration = (IConfigurationRoot)App.Services.GetRequiredService<IConfiguration>();
        configuration[key] = value;
        configuration.Reload();
    }
}
