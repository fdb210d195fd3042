using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tally.Fetching;

namespace Tally.Callbacks;

/// <summary>Registers callbacks: options, the signer, the delivery log and queue, and the sender on the guarded connection.</summary>
public static class CallbacksExtensions
{
    /// <summary>Adds the services that record, send and show callbacks.</summary>
    public static IServiceCollection AddTallyCallbacks(this IServiceCollection services)
    {
        services.AddOptions<CallbacksOptions>().BindConfiguration(CallbacksOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallbacksOptions>, CallbacksOptionsValidator>());
        services.TryAddSingleton<WebhookSigner>();
        services.TryAddSingleton<DeliveryLog>();
        services.TryAddSingleton<DeliveryQueue>();
        services.TryAddSingleton<RequestProgress>();
        services.TryAddSingleton<CallbackService>();
        services.TryAddSingleton<CallbackDeliverer>();
        services.TryAddSingleton<DeliveryPurger>();
        services.AddHttpClient<CallbackSender>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // No redirect is followed: a 3xx is a failed attempt, so a call only ever reaches the address its URL names.
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = provider.GetRequiredService<GuardedConnection>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }
}
