using Azure.Core;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace Tally.Hosting;

/// <summary>
/// Reads a storage connection the way the Functions host reads <c>AzureWebJobsStorage</c>: a
/// connection string when the setting has a value (Azurite locally), else identity-based
/// settings <c>__queueServiceUri</c>, <c>__tableServiceUri</c> (or <c>__accountName</c>),
/// <c>__credential</c> and <c>__clientId</c>.
/// </summary>
internal sealed class StorageConnection(IConfigurationSection section, AzureComponentFactory components)
{
    /// <summary>The connection string, or null for an identity-based connection.</summary>
    public string? ConnectionString => string.IsNullOrWhiteSpace(section.Value) ? null : section.Value;

    /// <summary>The service endpoint for <paramref name="service"/> (<c>queue</c>, <c>table</c>, <c>blob</c>).</summary>
    /// <exception cref="InvalidOperationException">Neither a service URI nor an account name is configured.</exception>
    public Uri ServiceUri(string service) => Endpoint(section, service) ?? throw new InvalidOperationException(NotConfigured(section, service));

    /// <summary>Whether <paramref name="section"/> configures <paramref name="service"/>: a connection string, a service URI or an account name.</summary>
    public static bool Configures(IConfigurationSection section, string service) =>
        !string.IsNullOrWhiteSpace(section.Value) || Endpoint(section, service) is not null;

    /// <summary>What to set when <paramref name="section"/> does not configure <paramref name="service"/>.</summary>
    public static string NotConfigured(IConfigurationSection section, string service) =>
        $"Storage is not configured: set '{section.Path}' to a connection string, or '{section.Path}__{service}ServiceUri' for an identity-based connection.";

    private static Uri? Endpoint(IConfigurationSection section, string service) =>
        section[$"{service}ServiceUri"] is { Length: > 0 } uri ? new Uri(uri)
        : section["accountName"] is { Length: > 0 } account ? new Uri($"https://{account}.{service}.core.windows.net")
        : null;

    /// <summary>The credential of an identity-based connection.</summary>
    public TokenCredential Credential => components.CreateTokenCredential(section);
}
