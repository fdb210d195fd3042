using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Tally.Callbacks;

/// <summary>Callback (webhook) settings, bound from <c>Tally:Callbacks</c>.</summary>
public sealed class CallbacksOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Callbacks";

    /// <summary>The retry delays when none are configured: about ten hours of retries in all.</summary>
    public const string DefaultRetryDelays = "00:00:05,00:01:00,00:10:00,01:00:00,03:00:00,06:00:00";

    /// <summary>The longest a delivery message can wait on a queue before it is delivered: the visibility limit of Storage queues.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(7);

    /// <summary>The key every call is signed with: <c>whsec_</c> and a base64 key of 24 to 64 bytes, as Standard Webhooks defines. Unset: callbacks are off.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>During a rotation, the key receivers may still hold: every call carries a second signature made with it.</summary>
    public string? PreviousSigningSecret { get; set; }

    /// <summary>Comma-separated <see cref="TimeSpan"/>s: the wait before each retry of a failed call; one retry per delay, then the delivery fails.</summary>
    public string RetryDelays { get; set; } = DefaultRetryDelays;

    /// <summary>How long a receiver has to answer a call (connect, headers) before the attempt fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a signing secret is configured, so calls can be made.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(SigningSecret);

    /// <summary>The retry delays, parsed; call only on validated options.</summary>
    public IReadOnlyList<TimeSpan> Delays => ParseDelays(RetryDelays, out _)!;

    /// <summary>Parses <paramref name="text"/> as comma-separated delays; null with <paramref name="error"/> when it is not.</summary>
    internal static TimeSpan[]? ParseDelays(string? text, out string? error)
    {
        error = null;
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var delays = new TimeSpan[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TimeSpan.TryParse(parts[i], CultureInfo.InvariantCulture, out delays[i]) || delays[i] <= TimeSpan.Zero || delays[i] > MaxRetryDelay)
            {
                error = $"'{parts[i]}' is not a delay from 00:00:00.001 to 7.00:00:00 (a queue message waits at most 7 days)";
                return null;
            }
        }

        return delays;
    }
}

/// <summary>Checks the secrets' form and the retry delays, so a bad setting stops the app at start.</summary>
internal sealed class CallbacksOptionsValidator : IValidateOptions<CallbacksOptions>
{
    private const int MaxRetries = 30;

    public ValidateOptionsResult Validate(string? name, CallbacksOptions options)
    {
        var errors = new List<string>();
        if (CallbacksOptions.ParseDelays(options.RetryDelays, out var error) is not { } delays)
        {
            errors.Add($"{CallbacksOptions.Section}:RetryDelays: {error}.");
        }
        else if (delays.Length > MaxRetries)
        {
            errors.Add($"{CallbacksOptions.Section}:RetryDelays lists {delays.Length} delays; give at most {MaxRetries}.");
        }

        foreach (var (setting, secret) in new[] { ("SigningSecret", options.SigningSecret), ("PreviousSigningSecret", options.PreviousSigningSecret) })
        {
            if (!string.IsNullOrWhiteSpace(secret) && WebhookSigner.KeyOf(secret) is null)
            {
                errors.Add($"{CallbacksOptions.Section}:{setting} must be 'whsec_' followed by the base64 of a 24 to 64 byte key (Standard Webhooks); generate one with: echo \"whsec_$(openssl rand -base64 32)\".");
            }
        }

        if (!options.Enabled && !string.IsNullOrWhiteSpace(options.PreviousSigningSecret))
        {
            errors.Add($"{CallbacksOptions.Section}:PreviousSigningSecret is set without SigningSecret: calls are signed with the current secret, and the previous one only alongside it.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
