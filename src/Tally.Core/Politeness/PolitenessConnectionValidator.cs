using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tally.Hosting;

namespace Tally.Politeness;

/// <summary>
/// Stops the app at start when <see cref="PolitenessOptions.StorageConnection"/> names a connection that is not set,
/// rather than at the first fetch. The app's own connection is left to the host, which cannot start without it.
/// </summary>
internal sealed class PolitenessConnectionValidator(IConfiguration configuration) : IValidateOptions<PolitenessOptions>
{
    public ValidateOptionsResult Validate(string? name, PolitenessOptions options)
    {
        if (options.StorageConnection == Jobs.JobStorage.Connection)
        {
            return ValidateOptionsResult.Success;
        }

        var section = configuration.GetSection(options.StorageConnection);
        return StorageConnection.Configures(section, "table")
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PolitenessOptions.Section}:StorageConnection names '{options.StorageConnection}', which is not set. {StorageConnection.NotConfigured(section, "table")}");
    }
}
