using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tally.Idempotency;

namespace Tally.Functions.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header of a creating request, read the same way on every route, and the answers of an
/// idempotent creation: the first answer again (marked <c>Idempotent-Replayed: true</c>), or 409 problem+json.
/// </summary>
internal static class IdempotencyHeader
{
    /// <summary>The response header that marks a replayed answer.</summary>
    public const string Replayed = "Idempotent-Replayed";

    /// <summary>The key a request sent for <paramref name="route"/> with what it asks for; null when it sent none.</summary>
    /// <returns>False, with the 400 answer that says what to send, when the header is not a key.</returns>
    public static bool TryRead(HttpRequest request, string route, string fingerprint, out IdempotencyKey? key, out IActionResult? problem)
    {
        key = null;
        problem = null;
        if (!request.Headers.TryGetValue(IdempotencyKey.Header, out var values))
        {
            return true;
        }

        if (IdempotencyKey.Read([.. values], out var error) is not { } text)
        {
            problem = Problems.BadRequest($"{error} Nothing was created.");
            return false;
        }

        key = new IdempotencyKey(route, text, fingerprint);
        return true;
    }

    /// <summary>The answer to an idempotent creation: <paramref name="accepted"/>'s for its answer, first or replayed, or a 409.</summary>
    public static IActionResult Answer<T>(Idempotent<T> outcome, IdempotencyKey key, Func<T, IActionResult> accepted) => outcome.Outcome switch
    {
        IdempotentOutcome.Created => accepted(outcome.Answer!),
        IdempotentOutcome.Replayed => new WithHeader(accepted(outcome.Answer!), Replayed, "true"),
        IdempotentOutcome.KeyReused => Problems.Conflict(
            $"The {IdempotencyKey.Header} '{key.Key}' was first sent with a different request; a key names one request for the result TTL. "
            + "Send this request with a new key. Nothing was created."),
        _ => new WithHeader(
            Problems.Conflict($"A request with the {IdempotencyKey.Header} '{key.Key}' is being answered now. Send it again in {Seconds(outcome.RetryAfter)} seconds for its answer."),
            "Retry-After",
            Seconds(outcome.RetryAfter)),
    };

    private static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class WithHeader(IActionResult inner, string name, string value) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers[name] = value;
            return inner.ExecuteResultAsync(context);
        }
    }
}
