using System.Buffers;
using System.Net;
using Microsoft.Extensions.Options;
using Tally.Counting;
using Tally.Telemetry;

namespace Tally.Fetching;

/// <summary>
/// Fetches a page and counts its words as the body streams in: the page is never held whole,
/// and memory stays flat however large it is.
/// </summary>
/// <remarks>
/// Redirects are followed here rather than by the handler, so each hop's scheme is checked and
/// counted against <see cref="FetchOptions.MaxRedirects"/>; each hop's address is checked by
/// <see cref="GuardedConnection"/>. There are no in-process retries: the queue (for jobs) and the
/// orchestrator's retry policy (for batches) own retrying, so a failing origin is not hit by
/// two layers of retries at once.
/// </remarks>
public sealed class PageFetcher(HttpClient http, IOptionsMonitor<FetchOptions> options, TallyMetrics metrics)
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The most a response's headers may hold, in KiB (.NET's default, stated here): past it the page fails at once.</summary>
    public const int MaxResponseHeadersKiB = 64;

    /// <summary>Fetches <paramref name="url"/> and counts its words.</summary>
    /// <exception cref="FetchFailedException">The page could not be fetched or counted; <see cref="FetchFailedException.IsTransient"/> says whether to retry.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task<PageCount> CountAsync(Uri url, CancellationToken cancellationToken) => CountAsync(url, null, cancellationToken);

    /// <summary>
    /// Fetches <paramref name="url"/> and counts its words, asking the origin first whether it changed since
    /// <paramref name="known"/> was fetched: a <c>304 Not Modified</c> reuses its count, with no body read.
    /// </summary>
    /// <exception cref="FetchFailedException">The page could not be fetched or counted; <see cref="FetchFailedException.IsTransient"/> says whether to retry.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<PageCount> CountAsync(Uri url, PageValidators? known, CancellationToken cancellationToken)
    {
        var limits = options.CurrentValue;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limits.Timeout);
        try
        {
            var page = await FetchAsync(url, known, limits, deadline.Token).ConfigureAwait(false);
            metrics.PageCounted(page.Words, page.Bytes);
            return page;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FetchFailedException($"The page timed out after {limits.Timeout.TotalSeconds:0.#} s (Tally:Fetch:Timeout): its connection, headers and whole body must arrive within it.", isTransient: true, inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw ConnectionFailed(url, ex);
        }
        catch (IOException ex)
        {
            throw new FetchFailedException($"The connection to '{url.Host}' failed: {ex.Message}", isTransient: true, inner: ex);
        }
    }

    /// <summary>
    /// What a failed connection means: a blocked address, a name that does not resolve and a failed TLS
    /// handshake will fail the same way next time, so they fail the job at once; a refused, reset or
    /// dropped connection may not, so it is retried.
    /// </summary>
    internal static FetchFailedException ConnectionFailed(Uri url, HttpRequestException ex) =>
        FindBlocked(ex) is { } blocked ? new(blocked.Message, isTransient: false, inner: ex)
        : ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError =>
                new($"The name '{url.Host}' could not be resolved ({ex.Message}); check the URL.", isTransient: false, inner: ex),
            HttpRequestError.ConfigurationLimitExceeded =>
                new($"The origin's response headers are larger than the {MaxResponseHeadersKiB} KiB Tally reads; retrying will not help.", isTransient: false, inner: ex),
            HttpRequestError.SecureConnectionError =>
                new($"A secure (TLS) connection to '{url.Host}' could not be made: {Innermost(ex).Message}", isTransient: false, inner: ex),
            _ => new($"The connection to '{url.Host}' failed: {ex.Message}", isTransient: true, inner: ex),
        };

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private async Task<PageCount> FetchAsync(Uri url, PageValidators? known, FetchOptions limits, CancellationToken cancellationToken)
    {
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.UserAgent.ParseAdd(limits.UserAgent);
            request.Headers.Accept.ParseAdd("text/html, text/plain;q=0.9, */*;q=0.5");
            request.Headers.AcceptEncoding.ParseAdd(ContentDecoding.Accepted);
            if (redirects == 0)
            {
                known?.Apply(request); // validators belong to the URL asked for, not to where it redirects
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status == 304 && known is not null && redirects == 0)
            {
                return new PageCount(known.Words, 0, known.ContentType, status, url) { Revalidated = true };
            }

            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                if (redirects == limits.MaxRedirects)
                {
                    throw new FetchFailedException($"The page redirected more than {limits.MaxRedirects} times; the last hop was to {location}.", isTransient: false, status);
                }

                url = new Uri(url, location);
                if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                {
                    throw new FetchFailedException($"The page redirected to a '{url.Scheme}' URL; only http and https can be fetched.", isTransient: false, status);
                }

                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Failed(response.StatusCode);
            }

            return await CountBodyAsync(response, url, limits, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<PageCount> CountBodyAsync(HttpResponseMessage response, Uri url, FetchOptions limits, CancellationToken cancellationToken)
    {
        var contentType = response.Content.Headers.ContentType;
        var status = (int)response.StatusCode;
        IBodyCounter counter;
        try
        {
            counter = BodyCounters.For(contentType);
        }
        catch (NotTextException ex)
        {
            throw new FetchFailedException(ex.Message, isTransient: false, status, ex) { ContentType = SentContentType(response) };
        }

        if (response.Content.Headers.ContentLength > limits.MaxBytes)
        {
            throw TooLarge(limits, status);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var body = ContentDecoding.Open(
                response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), limits.MaxBytes, () => TooLarge(limits, status));
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limits.MaxBytes)
                {
                    throw TooLarge(limits, status);
                }

                counter.Add(buffer.AsSpan(0, read));
            }

            var (etag, lastModified) = PageValidators.Of(response);
            return new PageCount(counter.Complete(), total, SentContentType(response), status, url) { ETag = etag, LastModified = lastModified };
        }
        catch (NotTextException ex)
        {
            throw new FetchFailedException(ex.Message, isTransient: false, status, ex) { ContentType = SentContentType(response) }; // an unlabelled body found binary
        }
        finally
        {
            (counter as IDisposable)?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The <c>Content-Type</c> as the origin sent it, parsed or not, so the user sees what it said.</summary>
    private static string? SentContentType(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var sent) ? sent.ToString() : null;

    private static FetchFailedException TooLarge(FetchOptions limits, int status) =>
        new($"The page is larger than the {limits.MaxBytes:N0}-byte limit (Tally:Fetch:MaxBytes).", isTransient: false, status);

    private static FetchFailedException Failed(HttpStatusCode code)
    {
        var status = (int)code;
        var transient = status is 408 or 429 or >= 500;
        var reason = ReasonPhrases.For(status);
        var advice = transient ? "the origin may recover, so it will be retried" : "retrying will not help";
        return new FetchFailedException($"The origin answered {status} {reason}; {advice}.", transient, status);
    }

    private static BlockedAddressException? FindBlocked(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is BlockedAddressException blocked)
            {
                return blocked;
            }
        }

        return null;
    }
}
