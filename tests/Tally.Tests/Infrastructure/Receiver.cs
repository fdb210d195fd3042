using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// A real webhook receiver (an <see cref="Origin"/>: Kestrel on 127.0.0.1, a free port): each test registers an endpoint
/// with how it answers; every call is recorded with its headers and exact body, and verified with the Standard Webhooks
/// package's own verifier, an implementation independent of Tally's signer.
/// </summary>
public sealed class Receiver : IAsyncLifetime
{
    /// <summary>The signing secret the tests configure: whsec_ and 32 bytes.</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw6Bt4X5Bk36U=";

    /// <summary>A second secret, for rotation.</summary>
    public const string PreviousSecret = "whsec_dGhlIHByZXZpb3VzIHNpZ25pbmcga2V5IG9mIHRhbGx5Lg==";

    private readonly Origin _server = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceivedCall>> _calls = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    /// <summary>A new endpoint that answers each verified call with <paramref name="answer"/> (given the call's number, from 1), or 200.</summary>
    public Uri Endpoint(Func<HttpContext, int, Task>? answer = null)
    {
        var calls = new ConcurrentQueue<ReceivedCall>();
        var url = _server.Serve(
            async context =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                var body = buffer.ToArray();
                var headers = context.Request.Headers;
                var call = new ReceivedCall(
                    headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(),
                    context.Request.ContentType ?? "", body, VerifyError(Secret, body, headers));
                calls.Enqueue(call);
                if (call.VerifyError is not null)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                await (answer?.Invoke(context, calls.Count) ?? Task.CompletedTask);
            },
            "hook");
        _calls[url.AbsolutePath] = calls;
        return url;
    }

    /// <summary>An endpoint that answers <paramref name="status"/> to the first <paramref name="failures"/> calls, then 200.</summary>
    public Uri Failing(int failures, int status = 500) => Endpoint((context, n) =>
    {
        context.Response.StatusCode = n <= failures ? status : StatusCodes.Status200OK;
        return Task.CompletedTask;
    });

    /// <summary>The calls <paramref name="endpoint"/> received, in order.</summary>
    public IReadOnlyList<ReceivedCall> Calls(Uri endpoint) => [.. _calls.GetValueOrDefault(endpoint.AbsolutePath) ?? new()];

    /// <summary>Why the package's verifier refuses a call signed with <paramref name="secret"/>; null when it verifies.</summary>
    public static string? VerifyError(string secret, byte[] body, IHeaderDictionary headers)
    {
        try
        {
            new StandardWebhook(secret).Verify(System.Text.Encoding.UTF8.GetString(body), headers);
            return null;
        }
        catch (WebhookVerificationException ex)
        {
            return ex.Message;
        }
    }
}

/// <summary>A call as the receiver got it.</summary>
/// <param name="Id">The <c>webhook-id</c>.</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c>.</param>
/// <param name="Signature">The <c>webhook-signature</c>.</param>
/// <param name="ContentType">The <c>Content-Type</c>.</param>
/// <param name="Body">The exact bytes.</param>
/// <param name="VerifyError">Why the Standard Webhooks package refused it; null when it verified.</param>
public sealed record ReceivedCall(string Id, string Timestamp, string Signature, string ContentType, byte[] Body, string? VerifyError)
{
    /// <summary>The body's JSON.</summary>
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement.Clone();
}
