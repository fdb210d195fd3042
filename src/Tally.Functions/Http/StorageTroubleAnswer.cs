using Microsoft.AspNetCore.Mvc;

namespace Tally.Functions.Http;

/// <summary>The HTTP answer to storage trouble (<see cref="Tally.Hosting.StorageTrouble"/>): 503 problem+json with <c>Retry-After</c>.</summary>
public static class StorageTroubleAnswer
{
    /// <summary>How long a client is asked to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The answer, with no detail of the storage call.</summary>
    public static IActionResult Problem(string? detail = null) => new RetryAfterResult(Problems.Unavailable(
        detail ?? $"Storage is not answering; nothing was changed. Try again in {RetryAfter.TotalSeconds:0} seconds."));

    private sealed class RetryAfterResult(ObjectResult problem) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return problem.ExecuteResultAsync(context);
        }
    }
}
