using Microsoft.Extensions.Options;
using Tally.Fetching;

namespace Tally.Politeness;

/// <summary>
/// The fetch pipeline's politeness, applied to every request (each redirect hop included): the origin's robots.txt
/// must allow the URL, and the request takes a slot of its origin's limits (<see cref="OriginLimiter"/>), held until its
/// body is read. A <c>429</c> or <c>503</c> with <c>Retry-After</c> pauses the origin for every fetch, everywhere.
/// </summary>
/// <remarks>
/// A refusal by robots.txt is a <see cref="FetchFailedException"/>, which fails the job at once and names the rule; a
/// pause is an <see cref="OriginPausedException"/>, which puts the work off without spending an attempt.
/// </remarks>
public sealed class PoliteHandler(RobotsTxtCache robots, OriginLimiter limiter, IOptionsMonitor<PolitenessOptions> options) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!;
        var settings = options.CurrentValue;
        if (settings.ObeyRobotsTxt)
        {
            var origin = OriginName.Of(url);
            var rules = await robots.GetAsync(origin, SendLimitedAsync, cancellationToken).ConfigureAwait(false);
            if (rules.Disallowing(url) is { } rule)
            {
                throw new FetchFailedException(
                    $"{origin}/robots.txt disallows {url.PathAndQuery} for user agent '{settings.UserAgent}' ({rule}); Tally does not fetch it.", isTransient: false);
            }
        }

        return await SendLimitedAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="request"/> on a slot of its origin; the slot goes back when the response is disposed.</summary>
    private async Task<HttpResponseMessage> SendLimitedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var slot = await limiter.AcquireAsync(request.RequestUri!, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            slot.Congested = !cancellationToken.IsCancellationRequested; // a failed connection; the caller giving up says nothing of the origin
            slot.Release();
            throw;
        }

        var status = (int)response.StatusCode;
        slot.Congested = status is 429 or >= 500;
        if (status is 429 or 503 && RetryAfter.Until(response.Headers, DateTimeOffset.UtcNow) is { } until)
        {
            var reason = $"it answered {status} {ReasonPhrases.For(status)} with Retry-After: {response.Headers.RetryAfter}";
            slot.Gate.Pause(until, reason);
            slot.Release();
            response.Dispose();
            throw new OriginPausedException(slot.Gate.Origin, until, reason);
        }

        response.Content = new SlotContent(response.Content, slot);
        return response;
    }
}
