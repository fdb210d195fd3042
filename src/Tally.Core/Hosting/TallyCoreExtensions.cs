using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tally.Batches;
using Tally.Fetching;
using Tally.Jobs;
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
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<JobQueue>();
        services.TryAddSingleton<JobService>();
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<JobPurger>();
        services.TryAddSingleton<JobThroughput>();
        services.TryAddSingleton<JobOverviewService>();

        services.AddOptions<BatchesOptions>().BindConfiguration(BatchesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<BatchService>();
        services.TryAddSingleton<BatchPageCounter>();
        services.TryAddSingleton<BatchStore>();
        services.TryAddSingleton<BatchSliceCounter>();
        return services;
    }

    /// <summary>Adds <see cref="PageCounter"/> on one guarded, pooled HTTP pipeline, with its options (<c>Tally:Fetch</c>) and metrics.</summary>
    public static IServiceCollection AddTallyFetching(this IServiceCollection services)
    {
        services.AddOptions<FetchOptions>().BindConfiguration(FetchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<TallyMetrics>();
        services.TryAddSingleton<GuardedConnection>();
        services.AddHttpClient<PageCounter>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // Redirects are followed by PageCounter, hop by hop; a proxy would hide the real address from the guard.
                AllowAutoRedirect = false,
                UseProxy = false,
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                ConnectCallback = provider.GetRequiredService<GuardedConnection>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>Adds queue, table and blob clients built from the <c>AzureWebJobsStorage</c> connection.</summary>
    public static IServiceCollection AddTallyStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(JobStorage.Connection);
        services.AddAzureClients(clients =>
        {
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, _, provider) =>
            {
                // The queue trigger decodes base64 by default (host.json messageEncoding), so the sender must encode it.
                options.MessageEncoding = QueueMessageEncoding.Base64;
                StorageClientBudget.Apply(options);
                var connection = Connection(provider);
                return connection.ConnectionString is { } connectionString
                    ? new QueueServiceClient(connectionString, options)
                    : new QueueServiceClient(connection.ServiceUri("queue"), connection.Credential, options);
            });
            clients.AddClient<TableServiceClient, TableClientOptions>((options, _, provider) =>
            {
                StorageClientBudget.Apply(options);
                var connection = Connection(provider);
                return connection.ConnectionString is { } connectionString
                    ? new TableServiceClient(connectionString, options)
                    : new TableServiceClient(connection.ServiceUri("table"), connection.Credential, options);
            });
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, _, provider) =>
            {
                StorageClientBudget.Apply(options);
                var connection = Connection(provider);
                return connection.ConnectionString is { } connectionString
                    ? new BlobServiceClient(connectionString, options)
                    : new BlobServiceClient(connection.ServiceUri("blob"), connection.Credential, options);
            });
        });
        return services;

        StorageConnection Connection(IServiceProvider provider) => new(section, provider.GetRequiredService<AzureComponentFactory>());
    }
}
