using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using Tally.Fetching;

namespace Tally.Politeness;

/// <summary>
/// Each origin's robots.txt, fetched once (however many fetches ask at once) and kept for
/// <see cref="PolitenessOptions.RobotsTxtCacheTime"/>, read as RFC 9309 section 2.3.1 says: a 2xx is parsed (its first
/// <see cref="RobotsTxt.MaxBytes"/>), a 4xx or more than five redirects allows everything, and a 5xx, a 429 or no
/// connection disallows everything for <see cref="PolitenessOptions.RobotsTxtRetryTime"/>.
/// </summary>
public sealed class RobotsTxtCache(IOptionsMonitor<PolitenessOptions> options, IOptionsMonitor<FetchOptions> fetch, TimeProvider time)
{
    /// <summary>The most origins kept; past it, expired ones are dropped, then all.</summary>
    private const int MaxOrigins = 10_000;

    private const int MaxRedirects = 5;

    private readonly ConcurrentDictionary<string, Lazy<Task<RobotsVerdicts>>> _origins = new();

    /// <summary>The robots.txt rules that apply to Tally at <paramref name="origin"/>, fetching them with <paramref name="send"/> if not kept.</summary>
    /// <exception cref="FetchFailedException">robots.txt is unreachable (transient), or its host cannot be connected to for good.</exception>
    /// <exception cref="OriginPausedException">The origin asked to wait before robots.txt could be fetched.</exception>
    public async Task<RobotsAgent> GetAsync(string origin, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = _origins.GetOrAdd(origin, o => new(() => FetchAsync(o, send)));
            RobotsVerdicts verdicts;
            try
            {
                verdicts = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OriginPausedException)
            {
                _origins.TryRemove(KeyValuePair.Create(origin, entry)); // the origin asked to wait: ask for robots.txt again after
                throw;
            }

            if (verdicts.Expires <= time.GetUtcNow())
            {
                _origins.TryRemove(KeyValuePair.Create(origin, entry));
                continue;
            }

            return verdicts.Agent ?? throw new FetchFailedException(verdicts.Failure!, isTransient: verdicts.Transient, verdicts.HttpStatus);
        }
    }

    /// <summary>What is kept for <paramref name="origin"/>: its rules for Tally, if it was fetched and not expired.</summary>
    public RobotsAgent? Kept(string origin) =>
        _origins.TryGetValue(origin, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully ? entry.Value.Result.Agent : null;

    private async Task<RobotsVerdicts> FetchAsync(string origin, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send)
    {
        TrimIfFull();
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var unreachableUntil = now + settings.RobotsTxtRetryTime;
        var url = new Uri(origin + "/robots.txt");
        using var deadline = new CancellationTokenSource(fetch.CurrentValue.Timeout);
        try
        {
            for (var hop = 0; hop <= MaxRedirects; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.UserAgent.ParseAdd(fetch.CurrentValue.UserAgent);
                using var response = await send(request, deadline.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    url = new Uri(url, location);
                    continue;
                }

                if (response.IsSuccessStatusCode)
                {
                    var text = await ReadBoundedAsync(response, deadline.Token).ConfigureAwait(false);
                    return new(RobotsTxt.Parse(text).For(settings.UserAgent), now + settings.RobotsTxtCacheTime);
                }

                return status is 429 or >= 500
                    ? Unreachable(origin, $"answered {status} {ReasonPhrases.For(status)}", unreachableUntil, status)
                    : new(RobotsTxt.AllowAll.For(settings.UserAgent), now + settings.RobotsTxtCacheTime);
            }

            return new(RobotsTxt.AllowAll.For(settings.UserAgent), now + settings.RobotsTxtCacheTime); // more than five redirects: unavailable
        }
        catch (HttpRequestException ex) when (PageFetcher.ConnectionFailed(url, ex) is { IsTransient: false } permanent)
        {
            return new(null, now + settings.RobotsTxtRetryTime) { Failure = permanent.Message }; // a blocked or unknown host: the page would fail the same way
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            var reason = ex is OperationCanceledException ? $"did not answer within {fetch.CurrentValue.Timeout.TotalSeconds:0.#} s" : $"could not be reached ({ex.Message})";
            return Unreachable(origin, reason, unreachableUntil, null);
        }
    }

    private static RobotsVerdicts Unreachable(string origin, string reason, DateTimeOffset until, int? status) =>
        new(null, until)
        {
            Failure = $"{origin}/robots.txt {reason}, so the origin is treated as disallowing every URL until {until:u} (RFC 9309 section 2.3.1.4); the job will be retried.",
            Transient = true,
            HttpStatus = status,
        };

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[RobotsTxt.MaxBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private void TrimIfFull()
    {
        if (_origins.Count < MaxOrigins)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var (origin, entry) in _origins)
        {
            if (entry.IsValueCreated && entry.Value.IsCompleted && (!entry.Value.IsCompletedSuccessfully || entry.Value.Result.Expires <= now))
            {
                _origins.TryRemove(KeyValuePair.Create(origin, entry));
            }
        }

        if (_origins.Count >= MaxOrigins)
        {
            _origins.Clear();
        }
    }

    private sealed record RobotsVerdicts(RobotsAgent? Agent, DateTimeOffset Expires)
    {
        public string? Failure { get; init; }

        public bool Transient { get; init; }

        public int? HttpStatus { get; init; }
    }
}
