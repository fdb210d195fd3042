using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Tally.Functions.Http;
using Tally.Hosting;
using Tally.Jobs;
using Tally.Telemetry;

namespace Tally.Functions.Hosting;

/// <summary>Wires the function app: ASP.NET Core integration, Tally's services, telemetry.</summary>
public static class TallyFunctionsExtensions
{
    /// <summary>Adds everything the function app needs.</summary>
    public static FunctionsApplicationBuilder AddTally(this FunctionsApplicationBuilder builder)
    {
        builder.ConfigureFunctionsWebApplication();
        WholeJsonFormatter.AddTo(builder.Services);
        builder.UseWhen<StorageTroubleMiddleware>(StorageTroubleMiddleware.IsHttp);
        builder.Services.AddTallyCore(builder.Configuration);
        builder.Services.AddSingleton<StorageHealth>();
        builder.Services.AddHostedService<JobThroughputWriter>();
        builder.AddTallyTelemetry();
        return builder;
    }

    /// <summary>
    /// OpenTelemetry with the Functions worker defaults and Tally's meter, exported to Azure Monitor
    /// when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (with Entra ID auth when
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names a managed identity).
    /// </summary>
    public static FunctionsApplicationBuilder AddTallyTelemetry(this FunctionsApplicationBuilder builder)
    {
        builder.Services.Configure<OpenTelemetryLoggerOptions>(options =>
        {
            options.IncludeScopes = true; // carries JobId from JobRunner's log scope
            options.IncludeFormattedMessage = true;
        });
        var telemetry = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(TallyMetrics.MeterName));

        var connectionString = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var authentication = builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (ManagedIdentityClientId(authentication) is { } clientId)
                {
                    options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        }

        return builder;
    }

    /// <summary>The client id in an authentication string such as <c>Authorization=AAD;ClientId=…</c>.</summary>
    internal static string? ManagedIdentityClientId(string? authentication) =>
        authentication?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1])
            .FirstOrDefault();
}
