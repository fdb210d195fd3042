using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tally.Politeness;

/// <summary>Registers politeness: its options (<c>Tally:Politeness</c>), robots.txt and the fetch pipeline's handler.</summary>
public static class PolitenessExtensions
{
    /// <summary>Adds the politeness services; <see cref="PoliteHandler"/> goes on the fetch client.</summary>
    public static IServiceCollection AddTallyPoliteness(this IServiceCollection services)
    {
        services.AddOptions<PolitenessOptions>().BindConfiguration(PolitenessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RobotsTxtCache>();
        services.TryAddSingleton<ValidatorStore>();
        services.TryAddSingleton<RevalidatingFetcher>();
        services.TryAddTransient<PoliteHandler>();
        return services;
    }
}
