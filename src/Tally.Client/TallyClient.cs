using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Tally.Client;

/// <summary>
/// Tally's HTTP API, typed: a method for every route, listings as <see cref="IAsyncEnumerable{T}"/> that follow the
/// continuation tokens, and <c>WaitAsync</c> for jobs, requests and batches. Every answer that is not a success
/// throws <see cref="TallyException"/> with the problem's fields; an app that cannot be reached throws
/// <see cref="HttpRequestException"/>.
/// </summary>
/// <remarks>Register it with <see cref="TallyClientServiceCollectionExtensions.AddTallyClient"/>, or give it an <see cref="HttpClient"/> whose base address is the app's.</remarks>
public sealed partial class TallyClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    /// <summary>A client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the app's (without <c>/api</c>).</summary>
    /// <param name="http">The HTTP client; <see cref="IHttpClientFactory"/> gives one.</param>
    public TallyClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(http.BaseAddress, nameof(http) + "." + nameof(http.BaseAddress));
        _http = http;
    }

    /// <summary>The clock <c>WaitAsync</c> waits by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often <c>WaitAsync</c> polls.</summary>
    public PollingOptions Polling { get; init; } = PollingOptions.Default;

    /// <summary>Whether the app and its storage answer (<c>GET /api/health</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TallyException">Storage is not answering (503).</exception>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<JsonElement>(HttpMethod.Get, "api/health", null, null, cancellationToken).ConfigureAwait(false);

    /// <summary>The dashboard's figures (<c>GET /api/overview</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<Overview> GetOverviewAsync(CancellationToken cancellationToken = default) =>
        SendAsync<Overview>(HttpMethod.Get, "api/overview", null, null, cancellationToken);

    /// <summary>The API's OpenAPI 3.1 document (<c>GET /api/openapi.json</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<JsonDocument> GetOpenApiDocumentAsync(CancellationToken cancellationToken = default) =>
        SendAsync<JsonDocument>(HttpMethod.Get, "api/openapi.json", null, null, cancellationToken);

    /// <summary>Sends a request and reads its answer as <typeparamref name="T"/>, or throws the problem.</summary>
    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Reads the pages of a listing, following its continuation tokens.</summary>
    private async IAsyncEnumerable<TItem> PagesAsync<TItem>(string path, Func<Page<TItem>, IReadOnlyList<TItem>?> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (string? continuation = null; ;)
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await SendAsync<Page<TItem>>(HttpMethod.Get, continuation is null ? path : $"{path}{separator}continuation={Uri.EscapeDataString(continuation)}", null, null, cancellationToken).ConfigureAwait(false);
            foreach (var item in items(page) ?? [])
            {
                yield return item;
            }

            if (page.Continuation is not { } next)
            {
                yield break;
            }

            continuation = next;
        }
    }

    private static async Task<TallyException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(Json, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
            }
        }

        var detail = problem?.Detail ?? (response.StatusCode == HttpStatusCode.Unauthorized
            ? "Tally asks for a function key: give it (TALLY_KEY, --key, or AddTallyClient's functionKey)."
            : null);
        return new TallyException(response.StatusCode, problem?.Type, problem?.Title ?? response.ReasonPhrase, detail, problem?.Errors, retryAfter);
    }

    private static string Query(params (string Name, string? Value)[] parameters) =>
        string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    private sealed record Problem(string? Type, string? Title, int? Status, string? Detail, IReadOnlyList<string>? Errors);

    private sealed record Page<TItem>(IReadOnlyList<TItem>? Jobs, IReadOnlyList<TItem>? Batches, IReadOnlyList<TItem>? Pages, string? Continuation);
}
