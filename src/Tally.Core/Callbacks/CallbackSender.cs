using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Tally.Fetching;

namespace Tally.Callbacks;

/// <summary>
/// Makes one signed call: a POST of the delivery's body with the Standard Webhooks headers, through the same guarded
/// connection as fetching (only public addresses unless <c>Tally:Fetch:AllowPrivateNetworks</c>), following no redirect.
/// </summary>
public sealed class CallbackSender(HttpClient client, WebhookSigner signer, IOptionsMonitor<CallbacksOptions> options, IOptionsMonitor<FetchOptions> fetch, TimeProvider time)
{
    /// <summary>The most bytes of a failed call's response body read, and kept in its error.</summary>
    public const int MaxExcerptBytes = 1024;

    /// <summary>Calls <paramref name="url"/> with <paramref name="body"/>, signed under <paramref name="id"/>.</summary>
    /// <param name="url">The receiver.</param>
    /// <param name="id">The <c>webhook-id</c>, the same on every attempt.</param>
    /// <param name="body">The event's JSON.</param>
    /// <param name="cancellationToken">Canceled when the host stops the function: the attempt is then made again.</param>
    public async Task<CallOutcome> CallAsync(Uri url, string id, byte[] body, CancellationToken cancellationToken)
    {
        var timeout = options.CurrentValue.Timeout;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", fetch.CurrentValue.UserAgent);
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(id, timestamp, body));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new CallOutcome(status, null, Permanent: false);
            }

            var excerpt = await ExcerptAsync(response, deadline.Token).ConfigureAwait(false);
            var error = status is >= 300 and < 400
                ? $"HTTP {status} redirect to '{response.Headers.Location}': callbacks follow no redirects; give the final URL as callbackUrl."
                : $"HTTP {status} {response.ReasonPhrase}{(excerpt.Length > 0 ? ": " + excerpt : "")}";
            return new CallOutcome(status, error, Permanent: status == 410);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CallOutcome(null, $"The receiver did not answer within {timeout.TotalSeconds:0.###} s ({CallbacksOptions.Section}:Timeout).", Permanent: false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is BlockedAddressException blocked)
        {
            return new CallOutcome(null, blocked.Message.Replace("fetches may", "callbacks may", StringComparison.Ordinal), Permanent: true);
        }
        catch (HttpRequestException ex)
        {
            return new CallOutcome(null, $"The call failed: {ex.Message}", Permanent: false);
        }
    }

    /// <summary>Up to <see cref="MaxExcerptBytes"/> of the response body, as text; nothing beyond them is read.</summary>
    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[MaxExcerptBytes];
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            return new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return "";
        }
    }
}

/// <summary>How one call went.</summary>
/// <param name="Status">The receiver's HTTP status; null when it did not answer.</param>
/// <param name="Error">Why the call failed; null when it was answered with a 2xx.</param>
/// <param name="Permanent">Retrying cannot help: 410 Gone, or an address callbacks may not reach.</param>
public sealed record CallOutcome(int? Status, string? Error, bool Permanent)
{
    /// <summary>Whether the receiver took the call.</summary>
    public bool Delivered => Error is null;
}
