using System.Net.Sockets;
using Azure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Tally.Functions.Http;

/// <summary>
/// Storage trouble, told apart from everything else in one place: what the storage clients throw when an
/// account fails, times out or cannot be reached (the SDK's retries spent included), and what the Durable
/// client throws when the host's task hub storage does not answer.
/// </summary>
public static class StorageTrouble
{
    /// <summary>How long a client is asked to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Whether <paramref name="exception"/> means storage failed or did not answer.</summary>
    public static bool Is(Exception exception) => exception switch
    {
        RequestFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(Is),
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Internal or StatusCode.Unknown,
        TimeoutException or HttpRequestException or IOException or SocketException => true,
        OperationCanceledException canceled => TimedOut(canceled), // a try that timed out, not the caller leaving
        _ => false,
    };

    private static bool TimedOut(Exception canceled)
    {
        for (var inner = canceled.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is TimeoutException or IOException or SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The answer to storage trouble: 503 problem+json with <c>Retry-After</c>, and no detail of the storage call.</summary>
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

/// <summary>
/// The one filter for every HTTP function: storage trouble that escapes a function becomes its answer,
/// 503 problem+json with <c>Retry-After</c>, never a 500 and never a stack trace.
/// </summary>
internal sealed partial class StorageTroubleMiddleware(ILogger<StorageTroubleMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsHttp(context) && StorageTrouble.Is(ex))
        {
            LogStorageTrouble(ex, context.FunctionDefinition.Name);
            context.GetInvocationResult().Value = StorageTrouble.Problem();
        }
    }

    private static bool IsHttp(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(binding => binding.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} answered 503: storage is not answering")]
    private partial void LogStorageTrouble(Exception exception, string function);
}
