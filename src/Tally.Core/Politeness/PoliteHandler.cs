using Microsoft.Extensions.Options;
using Tally.Fetching;

namespace Tally.Politeness;

/// <summary>
/// The fetch pipeline's politeness, applied to every request (each redirect hop included): the origin's robots.txt
/// must allow the URL.
/// </summary>
/// <remarks>A refusal is a <see cref="FetchFailedException"/>, which fails the job at once and names the rule.</remarks>
public sealed class PoliteHandler(RobotsTxtCache robots, IOptionsMonitor<PolitenessOptions> options) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!;
        var settings = options.CurrentValue;
        if (settings.ObeyRobotsTxt)
        {
            var origin = OriginName.Of(url);
            var rules = await robots.GetAsync(origin, base.SendAsync, cancellationToken).ConfigureAwait(false);
            if (rules.Disallowing(url) is { } rule)
            {
                throw new FetchFailedException(
                    $"{origin}/robots.txt disallows {url.PathAndQuery} for user agent '{settings.UserAgent}' ({rule}); Tally does not fetch it.", isTransient: false);
            }
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
