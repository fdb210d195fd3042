using System.Reflection;
using System.Text.Json;
using Tally.Fetching;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Bicep;

/// <summary>infra/ compiles offline with no errors or warnings, and the ARM it compiles to says what the README claims.</summary>
public sealed class InfraTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    private static readonly Dictionary<string, string> Roles = new()
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
    };

    [Fact]
    public void MainBicep_Builds_WithNoErrorsOrWarnings()
    {
        Assert.True(compiled.Build.ExitCode == 0, compiled.Build.Output);
        Assert.Equal("", compiled.Build.Output);
    }

    [Fact]
    public void MainBicep_Lints_WithNoErrorsOrWarnings()
    {
        Assert.True(compiled.Lint.ExitCode == 0, compiled.Lint.Output);
        Assert.Equal("", compiled.Lint.Output);
    }

    [Fact]
    public void Template_IsSubscriptionScoped_AndCreatesTheResourceGroup()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", compiled.Template.GetProperty("$schema").GetString());
        Assert.Single(compiled.Resources("Microsoft.Resources/resourceGroups"));
    }

    [Fact]
    public void StorageAccount_AllowsNoSharedKeys_OldTlsOrPublicBlobs()
    {
        var properties = Assert.Single(compiled.Resources("Microsoft.Storage/storageAccounts"), r => !r.TryGetProperty("existing", out _)).GetProperty("properties");

        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
    }

    [Fact]
    public void Template_NeverReadsAccountKeys()
    {
        Assert.DoesNotContain("listKeys", compiled.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey=", compiled.Json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Monitoring_HasLocalAuthDisabled()
    {
        var insights = Assert.Single(compiled.Resources("Microsoft.Insights/components"), r => !r.TryGetProperty("existing", out _));
        var workspace = Assert.Single(compiled.Resources("Microsoft.OperationalInsights/workspaces"));

        Assert.True(insights.GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
        Assert.True(workspace.GetProperty("properties").GetProperty("features").GetProperty("disableLocalAuth").GetBoolean());
    }

    [Fact]
    public void Plan_IsFlexConsumption()
    {
        var plan = Assert.Single(compiled.Resources("Microsoft.Web/serverfarms"));

        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
    }

    [Fact]
    public void FunctionApp_RunsDotnetIsolated10_WithAUserAssignedIdentity_AndIdentityDeployment()
    {
        var app = Assert.Single(compiled.Resources("Microsoft.Web/sites"));
        var config = app.GetProperty("properties").GetProperty("functionAppConfig");

        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("UserAssigned", app.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("UserAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
        Assert.True(config.GetProperty("scaleAndConcurrency").TryGetProperty("maximumInstanceCount", out _));
        Assert.True(config.GetProperty("scaleAndConcurrency").TryGetProperty("instanceMemoryMB", out _));
        Assert.Contains("azd-service-name", compiled.Json);
    }

    [Theory]
    [InlineData("Storage Blob Data Owner")]
    [InlineData("Storage Queue Data Contributor")]
    [InlineData("Storage Table Data Contributor")]
    [InlineData("Monitoring Metrics Publisher")]
    public void AppIdentity_IsGrantedTheRole(string role)
    {
        var assignments = compiled.Resources("Microsoft.Authorization/roleAssignments");

        Assert.NotEmpty(assignments);
        Assert.Contains(Roles[role], compiled.Json);
        Assert.All(assignments, a => Assert.Contains("roleDefinitions", a.GetProperty("properties").GetProperty("roleDefinitionId").GetString()));
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__credential")]
    [InlineData("AzureWebJobsStorage__clientId")]
    [InlineData("AzureWebJobsStorage__blobServiceUri")]
    [InlineData("AzureWebJobsStorage__queueServiceUri")]
    [InlineData("AzureWebJobsStorage__tableServiceUri")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    [InlineData("TASKHUB_NAME")]
    [InlineData("Tally__Politeness__StorageConnection")]
    public void AppSettings_IncludeTheIdentityBasedConnection(string name) =>
        Assert.Contains(name, compiled.PropertyNames());

    [Fact]
    public void DurableBackend_IsAzureStorage_AndNothingPromisesTheScheduler()
    {
        // The app cannot run on the Durable Task Scheduler without the AzureManaged worker extension, which
        // it does not reference, so the templates must not offer that backend.
        Assert.Empty(compiled.Resources("Microsoft.DurableTask/schedulers"));
        Assert.False(compiled.Template.GetProperty("parameters").TryGetProperty("durableBackend", out _));
        Assert.DoesNotContain("azureManaged", compiled.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("DURABLE_TASK_SCHEDULER", compiled.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_IncludeEveryTallySettingTheCodeReads()
    {
        var names = compiled.PropertyNames();
        var expected = OptionsDefaults.Settings().ToList();

        Assert.Contains(expected, setting => setting.StartsWith("Tally__Politeness__", StringComparison.Ordinal));
        Assert.All(expected, setting => Assert.Contains(setting, names));
    }

    [Fact]
    public void AppSettings_HoldTheDefaultsOfTheOptionsClasses()
    {
        var settings = compiled.Variable("tallySettings");
        var literal = settings.EnumerateObject().Where(s => !s.Value.GetString()!.StartsWith('[')).ToDictionary(s => s.Name, s => s.Value.GetString()); // not a parameter
        var defaults = OptionsDefaults.Defaults().Where(d => literal.ContainsKey(d.Setting)).ToList();

        Assert.Contains(defaults, d => d.Setting == "Tally__Politeness__MaxConcurrentPerOrigin");
        Assert.All(defaults, d => Assert.True(string.Equals(d.Value, literal[d.Setting], StringComparison.OrdinalIgnoreCase), $"{d.Setting}: Bicep '{literal[d.Setting]}', options class '{d.Value}'"));
    }

    [Fact]
    public void AppSettings_GiveEachOriginItsOwnLimits_FromTheOriginLimitsParameter()
    {
        var limits = typeof(Tally.Politeness.OriginLimits).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();

        Assert.True(compiled.Template.GetProperty("parameters").TryGetProperty("originLimits", out _));
        Assert.All(limits, p => Assert.Contains($"Tally__Politeness__Origins__{{0}}__{p.Name}", compiled.Json, StringComparison.Ordinal));
    }

    [Fact]
    public void CallbackSigningSecret_IsASecureParameter_KeptInAnRbacKeyVault_AndReadByReference()
    {
        var vault = Assert.Single(compiled.Resources("Microsoft.KeyVault/vaults"));
        var secret = Assert.Single(compiled.Resources("Microsoft.KeyVault/vaults/secrets"));
        var sites = compiled.Resources("Microsoft.Web/sites");

        Assert.Equal("securestring", compiled.Template.GetProperty("parameters").GetProperty("callbackSigningSecret").GetProperty("type").GetString());
        Assert.True(vault.GetProperty("properties").GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.Contains("callback-signing-secret", secret.GetProperty("name").GetString());
        Assert.Contains("@Microsoft.KeyVault(VaultName=", compiled.Json, StringComparison.Ordinal);
        Assert.Contains(Roles["Key Vault Secrets User"], compiled.Json);
        Assert.All(sites, site => Assert.True(site.GetProperty("properties").TryGetProperty("keyVaultReferenceIdentity", out _)));
        Assert.Equal("", compiled.Template.GetProperty("parameters").GetProperty("callbackSigningSecret").GetProperty("defaultValue").GetString()); // none baked in
    }

    [Fact]
    public void Outputs_NameTheAppAndItsUrl_ForAzd()
    {
        var outputs = compiled.Template.GetProperty("outputs");

        Assert.True(outputs.TryGetProperty("SERVICE_API_NAME", out _));
        Assert.True(outputs.TryGetProperty("SERVICE_API_URI", out _));
        Assert.True(outputs.TryGetProperty("AZURE_FUNCTION_APP_NAME", out _));
    }

    [Fact]
    public void AzureYaml_DeploysTheFunctionAppAsServiceApi()
    {
        var yaml = File.ReadAllText(Path.Combine(Repository.Root, "azure.yaml"));

        Assert.Contains("  api:\n    project: ./src/Tally.Functions\n    language: dotnet\n    host: function", yaml.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void ParametersFile_IsWiredToAzdEnvironmentVariables()
    {
        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "main.parameters.json")));
        var values = parameters.RootElement.GetProperty("parameters");

        Assert.Equal("${AZURE_ENV_NAME}", values.GetProperty("environmentName").GetProperty("value").GetString());
        Assert.Equal("${AZURE_LOCATION}", values.GetProperty("location").GetProperty("value").GetString());
        Assert.Equal("${AZURE_PRINCIPAL_ID}", values.GetProperty("principalId").GetProperty("value").GetString());
    }
}
