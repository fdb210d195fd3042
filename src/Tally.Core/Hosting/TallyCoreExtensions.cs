using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tally.Batches;
using Tally.Callbacks;
using Tally.Fetching;
using Tally.Idempotency;
using Tally.Jobs;
using Tally.Politeness;
using Tally.Schedules;
using Tally.Telemetry;

namespace Tally.Hosting;

/// <summary>Registers Tally's services: options, the fetch client, storage clients, jobs.</summary>
public static class TallyCoreExtensions
{
    /// <summary>Adds everything Tally needs apart from the function triggers.</summary>
    public static IServiceCollection AddTallyCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddTallyFetching();
        services.AddTallyStorage(configuration);
        services.TryAddSingleton<JobIndex>();
        services.TryAddSingleton<JobTable>();
        services.TryAddSingleton<JobRequests>();
        services.TryAddSingleton<JobRecords>();
        services.TryAddSingleton<JobListing>();
        services.TryAddSingleton<JobQueue>();
        services.TryAddSingleton<JobService>();
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<JobHeartbeat>();
        services.TryAddSingleton<JobReviver>();
        services.TryAddSingleton<JobPurger>();
        services.TryAddSingleton<JobThroughput>();
        services.TryAddSingleton<JobOverviewService>();
        services.TryAddSingleton<Jobs.Search.JobSearch>();
        services.TryAddSingleton<Jobs.Bulk.JobBulkActions>();
        services.TryAddSingleton<IdempotencyStore>();
        services.TryAddSingleton<IdempotentCreation>();
        services.TryAddSingleton<IdempotentEnqueue>();
        services.TryAddSingleton<IdempotentBatchStart>();
        services.AddTallyCallbacks();

        services.AddOptions<BatchesOptions>().BindConfiguration(BatchesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(provider => TimeBudget.From(provider.GetRequiredService<IConfiguration>(), AppContext.BaseDirectory));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchesOptions>, TimeBudgetValidator>());
        services.TryAddSingleton<BatchService>();
        services.TryAddSingleton<BatchPageFetcher>();
        services.TryAddSingleton<BatchStore>();
        services.TryAddSingleton<SliceRunner>();

        services.AddOptions<SchedulesOptions>().BindConfiguration(SchedulesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ScheduleStore>();
        services.TryAddSingleton<ScheduleTicks>();
        services.TryAddSingleton<ScheduleFirer>();
        services.TryAddSingleton<ScheduleService>();
        return services;
    }

    /// <summary>Adds <see cref="PageFetcher"/> on one guarded, pooled HTTP pipeline, with its options (<c>Tally:Fetch</c>) and metrics.</summary>
    public static IServiceCollection AddTallyFetching(this IServiceCollection services)
    {
        services.AddOptions<FetchOptions>().BindConfiguration(FetchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<TallyMetrics>();
        services.TryAddSingleton<GuardedConnection>();
        services.AddTallyPoliteness();
        services.AddHttpClient<PageFetcher>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // Redirects are followed by PageFetcher, hop by hop; a proxy would hide the real address from the guard.
                AllowAutoRedirect = false,
                UseProxy = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None, // PageFetcher decodes, bounded (ContentDecoding)
                ConnectCallback = provider.GetRequiredService<GuardedConnection>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                MaxResponseHeadersLength = PageFetcher.MaxResponseHeadersKiB,
            })
            .AddHttpMessageHandler<PoliteHandler>()
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>Adds queue, table and blob clients built from the <c>AzureWebJobsStorage</c> connection.</summary>
    public static IServiceCollection AddTallyStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(JobStorage.Connection);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTallyPolitenessStorage();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PolitenessOptions>>(new PolitenessConnectionValidator(configuration)));
        services.AddAzureClients(clients =>
        {
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, _, provider) =>
            {
                // The queue trigger decodes base64 by default (host.json messageEncoding), so the sender must encode it.
                options.MessageEncoding = QueueMessageEncoding.Base64;
                return Create(provider, options, "queue", s => new QueueServiceClient(s, options), (uri, credential) => new QueueServiceClient(uri, credential, options));
            });
            clients.AddClient<TableServiceClient, TableClientOptions>((options, _, provider) =>
                Create(provider, options, "table", s => new TableServiceClient(s, options), (uri, credential) => new TableServiceClient(uri, credential, options)));
            clients.AddClient<TableServiceClient, TableClientOptions>((options, _, provider) =>
                Create(provider, options, "table", s => new TableServiceClient(s, options), (uri, credential) => new TableServiceClient(uri, credential, options),
                    configuration.GetSection(provider.GetRequiredService<IOptions<PolitenessOptions>>().Value.StorageConnection)))
                .WithName(PolitenessStorage.ClientName);
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, _, provider) =>
                Create(provider, options, "blob", s => new BlobServiceClient(s, options), (uri, credential) => new BlobServiceClient(uri, credential, options)));
        });
        return services;

        // One storage client within the storage budget, from the connection string, or else from the service's URI and the
        // identity: of the app's connection, unless another is named.
        T Create<T>(
            IServiceProvider provider, Azure.Core.ClientOptions options, string service, Func<string, T> fromString, Func<Uri, Azure.Core.TokenCredential, T> fromIdentity,
            IConfigurationSection? named = null)
        {
            StorageClientBudget.Apply(options, provider.GetRequiredService<IOptions<StorageOptions>>().Value.TryTimeout);
            var connection = new StorageConnection(named ?? section, provider.GetRequiredService<AzureComponentFactory>());
            return connection.ConnectionString is { } connectionString ? fromString(connectionString) : fromIdentity(connection.ServiceUri(service), connection.Credential);
        }
    }
}
