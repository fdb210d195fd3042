using Azure.Core;

namespace Tally.Hosting;

/// <summary>
/// How long Tally's storage clients wait, set in one place: each try gets <see cref="StorageOptions.TryTimeout"/>
/// (2 seconds by default) and a failed try is retried once. So one storage call answers, or gives up, within
/// about 4.5 seconds, and an API request (at most two calls in a row) within 10, even when the account hangs.
/// </summary>
public static class StorageClientBudget
{
    /// <summary>Retries after the first try.</summary>
    public const int Retries = 1;

    /// <summary>Applies the budget to a storage client's options.</summary>
    /// <param name="options">The client's options.</param>
    /// <param name="tryTimeout">The longest one try may wait for its response.</param>
    public static T Apply<T>(T options, TimeSpan tryTimeout)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = Retries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(250);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = tryTimeout;
        return options;
    }
}
