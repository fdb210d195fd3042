using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tally.Politeness;

/// <summary>Registers politeness: its options (<c>Tally:Politeness</c>), robots.txt, per-origin limits, validators and the fetch pipeline's handler.</summary>
public static class PolitenessExtensions
{
    /// <summary>Adds the politeness services; <see cref="PoliteHandler"/> goes on the fetch client.</summary>
    public static IServiceCollection AddTallyPoliteness(this IServiceCollection services)
    {
        services.AddOptions<PolitenessOptions>().BindConfiguration(PolitenessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PolitenessOptions>, PolitenessOptionsValidator>());
        services.TryAddSingleton<RobotsTxtCache>();
        services.TryAddSingleton<IOriginShares, ProcessOriginShares>();
        services.TryAddSingleton<OriginLimiter>();
        services.TryAddTransient<PoliteHandler>();
        return services;
    }

    /// <summary>Keeps politeness's rows in the app's storage: limits shared across every instance, and validators.</summary>
    public static IServiceCollection AddTallyPolitenessStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<PolitenessStorage>();
        services.TryAddSingleton<ValidatorStore>();
        services.TryAddSingleton<ValidatorPurger>();
        services.TryAddSingleton<RevalidatingFetcher>();
        services.Replace(ServiceDescriptor.Singleton<IOriginShares, OriginShares>());
        return services;
    }
}
