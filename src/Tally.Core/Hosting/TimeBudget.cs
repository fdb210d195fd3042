using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Tally.Hosting;

/// <summary>
/// The time bounds of Tally's units of work, derived in one place from the host's <c>functionTimeout</c>, so no unit
/// of work can outlast the host's limit whatever its URLs do: a batch slice spends at most <see cref="Slice"/>, half the
/// function timeout, fetching (the other half is for reading its URLs, writing its pages and a slow host), and holds
/// no more rounds of fetches than fit in it (<see cref="MaxRounds"/>).
/// </summary>
/// <remarks>
/// The function timeout is read where the host reads it: <c>AzureFunctionsJobHost__functionTimeout</c> (which overrides
/// host.json in the host too), else host.json beside the app, else <see cref="DefaultFunctionTimeout"/>, the shortest
/// default of any plan. An unbounded one (<c>-1</c>) counts as <see cref="UnboundedFunctionTimeout"/>.
/// </remarks>
public sealed class TimeBudget(TimeSpan functionTimeout)
{
    /// <summary>Where configuration holds the host's function timeout.</summary>
    public const string FunctionTimeoutKey = "AzureFunctionsJobHost:functionTimeout";

    /// <summary>The function timeout when none is configured: the Consumption plan's default, the shortest there is.</summary>
    public static readonly TimeSpan DefaultFunctionTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The function timeout an unbounded one (<c>-1</c>, Premium and Flex Consumption) counts as.</summary>
    public static readonly TimeSpan UnboundedFunctionTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The host's function timeout.</summary>
    public TimeSpan FunctionTimeout { get; } = functionTimeout;

    /// <summary>The most one batch slice spends fetching: half the function timeout.</summary>
    public TimeSpan Slice => FunctionTimeout / 2;

    /// <summary>
    /// How many rounds of fetches (a slot's share at once) a slice may hold when each may take <paramref name="fetchTimeout"/>:
    /// every URL's first attempt then ends within <see cref="Slice"/> ((rounds + 1) × the timeout, as a slow fetch can start
    /// late in its round); retries take only the time left.
    /// </summary>
    public int MaxRounds(TimeSpan fetchTimeout) => (int)(Slice / fetchTimeout) - 1;

    /// <summary>The budget of the function timeout in <paramref name="configuration"/>, or else in the host.json of <paramref name="appDirectory"/>.</summary>
    /// <exception cref="FormatException">The function timeout is not a time span.</exception>
    public static TimeBudget From(IConfiguration configuration, string appDirectory)
    {
        var text = configuration[FunctionTimeoutKey] ?? FromHostJson(Path.Combine(appDirectory, "host.json"));
        if (text is null)
        {
            return new TimeBudget(DefaultFunctionTimeout);
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout))
        {
            throw new FormatException($"The host's functionTimeout '{text}' is not a time span (hh:mm:ss).");
        }

        return new TimeBudget(timeout <= TimeSpan.Zero ? UnboundedFunctionTimeout : timeout);
    }

    private static string? FromHostJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return json.RootElement.TryGetProperty("functionTimeout", out var value) ? value.GetString() : null;
    }
}
