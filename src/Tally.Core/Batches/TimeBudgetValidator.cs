using Microsoft.Extensions.Options;
using Tally.Fetching;
using Tally.Hosting;

namespace Tally.Batches;

/// <summary>Stops the app at start when the fetch timeout cannot fit a batch slice inside the host's function timeout.</summary>
internal sealed class TimeBudgetValidator(TimeBudget budget, IOptionsMonitor<FetchOptions> fetch) : IValidateOptions<BatchesOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchesOptions options)
    {
        TimeSpan timeout;
        try
        {
            timeout = fetch.CurrentValue.Timeout;
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Skip; // the fetch settings report their own error
        }

        return budget.MaxRounds(timeout) >= 1
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Tally:Fetch:Timeout ({timeout}) does not fit the host's functionTimeout ({budget.FunctionTimeout}): a batch slice may spend half of it "
                + $"({budget.Slice}) fetching, which must hold at least two fetch timeouts. Shorten Tally:Fetch:Timeout or lengthen functionTimeout in host.json.");
    }
}
