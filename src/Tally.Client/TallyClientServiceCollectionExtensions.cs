using Microsoft.Extensions.DependencyInjection;

namespace Tally.Client;

/// <summary>Registers <see cref="TallyClient"/> with <see cref="IHttpClientFactory"/>.</summary>
public static class TallyClientServiceCollectionExtensions
{
    /// <summary>The header that carries the function key.</summary>
    public const string FunctionKeyHeader = "x-functions-key";

    /// <summary>
    /// Adds <see cref="TallyClient"/> as a typed client of <see cref="IHttpClientFactory"/>, talking to the app at
    /// <paramref name="baseAddress"/> with <paramref name="functionKey"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="baseAddress">The app's base address, without <c>/api</c>: <c>http://localhost:7071</c>, or <c>https://{app}.azurewebsites.net</c>.</param>
    /// <param name="functionKey">The function key (in Azure); null where none is needed (locally).</param>
    /// <returns>The client's builder, to add handlers such as a resilience pipeline.</returns>
    public static IHttpClientBuilder AddTallyClient(this IServiceCollection services, Uri baseAddress, string? functionKey = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        return services.AddHttpClient<TallyClient>(http => Configure(http, baseAddress, functionKey));
    }

    /// <summary>Points <paramref name="http"/> at the app and gives it the key.</summary>
    internal static void Configure(HttpClient http, Uri baseAddress, string? functionKey)
    {
        http.BaseAddress = baseAddress;
        if (!string.IsNullOrEmpty(functionKey))
        {
            http.DefaultRequestHeaders.Add(FunctionKeyHeader, functionKey);
        }
    }
}
