using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Tally.Hosting;

namespace Tally.Functions.Http;

/// <summary>
/// The one filter for every HTTP function (registered with <c>UseWhen</c> for HTTP triggers only): storage trouble
/// that escapes a function becomes its answer, 503 problem+json with <c>Retry-After</c>, never a 500 and never a stack trace.
/// </summary>
internal sealed partial class StorageTroubleMiddleware(ILogger<StorageTroubleMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (AnswerTo(ex) is { } answer)
        {
            LogStorageTrouble(ex, context.FunctionDefinition.Name);
            context.GetInvocationResult().Value = answer;
        }
    }

    /// <summary>What an HTTP function that threw <paramref name="exception"/> answers instead: the 503 when it is storage trouble, else null (it stays an error).</summary>
    public static IActionResult? AnswerTo(Exception exception) => StorageTrouble.Is(exception) ? StorageTroubleAnswer.Problem() : null;

    /// <summary>Whether the middleware runs for <paramref name="context"/>'s function: HTTP triggers only.</summary>
    public static bool IsHttp(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(binding => binding.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} answered 503: storage is not answering")]
    private partial void LogStorageTrouble(Exception exception, string function);
}
