using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tally.Fetching;
using Tally.Hosting;

namespace Tally.Functions.Http;

/// <summary>What a jobs or batches request body asks for.</summary>
/// <param name="Urls">Every URL, each checked by <see cref="UrlPolicy"/>.</param>
/// <param name="MaxParallelism">The <c>maxParallelism</c> given, if any.</param>
/// <param name="RunAt">For jobs, the <c>runAt</c> text given, if any.</param>
/// <param name="Delay">For jobs, the <c>delay</c> text given, if any.</param>
/// <param name="Callback">Where to call when the work is final (<c>callbackUrl</c>, <c>callbackMode</c>), if anywhere.</param>
internal sealed record UrlList(IReadOnlyList<Uri> Urls, int? MaxParallelism, string? RunAt = null, string? Delay = null, Tally.Callbacks.CallbackTarget? Callback = null)
{
    /// <summary>What the request asks for, as a hash: the same for a retry of it, whatever its JSON's spacing or order.</summary>
    /// <remarks>The callback is hashed only when there is one, so a request without one hashes as it did before callbacks.</remarks>
    public string Fingerprint => Tally.Idempotency.IdempotencyKey.FingerprintOf(
        [
            Urls.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Urls.Select(url => url.AbsoluteUri),
            MaxParallelism?.ToString(System.Globalization.CultureInfo.InvariantCulture), RunAt, Delay,
            .. Callback is null ? [] : new[] { Callback.Url.AbsoluteUri, Callback.Mode },
        ]);
}

/// <summary>
/// Reads <c>{"url": …}</c> or <c>{"urls": […]}</c> (with <c>"maxParallelism"</c> for batches), checking
/// every URL before anything is enqueued or started, and answering problem+json when it cannot.
/// </summary>
internal sealed class UrlListRequest
{
    /// <summary>A jobs request: one URL or many.</summary>
    public static UrlListRequest Jobs(int maxUrls) =>
        new(maxUrls, null, "Send {\"url\": \"https://…\"} or {\"urls\": [\"https://…\", …]}.", "Split it, or use POST /api/batches.");

    /// <summary>A batch request: many URLs and an optional parallelism.</summary>
    public static UrlListRequest Batch(int maxUrls, int maxParallelism) =>
        new(maxUrls, maxParallelism, "Send {\"urls\": [\"https://…\", …], \"maxParallelism\": 16}.", "Split it into several batches.");

    private readonly int _maxUrls;
    private readonly int? _maxParallelism;
    private readonly string _shape;
    private readonly string _tooMany;

    private UrlListRequest(int maxUrls, int? maxParallelism, string shape, string tooMany) =>
        (_maxUrls, _maxParallelism, _shape, _tooMany) = (maxUrls, maxParallelism, shape, tooMany);

    private bool IsBatch => _maxParallelism is not null;

    private string Verb => IsBatch ? "started" : "enqueued";

    /// <summary>The URLs asked for, with the callback if one is asked for, or the problem answer that explains why there are none.</summary>
    public async Task<(UrlList? List, IActionResult? Problem)> ReadAsync(
        HttpRequest request, FetchOptions fetch, Tally.Callbacks.CallbacksOptions callbacks, CancellationToken cancellationToken)
    {
        if (JsonContentType.Refusal(request) is { } refusal)
        {
            return (null, refusal);
        }

        // The largest body read: as many URLs as allowed, each as long as allowed, with room for the JSON around them.
        var maxBodyBytes = 4096L + (long)_maxUrls * (fetch.MaxUrlLength + 8);
        if (request.ContentLength > maxBodyBytes)
        {
            return (null, Problems.TooLarge($"The request body is {request.ContentLength:N0} bytes; the limit is {maxBodyBytes:N0}."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(new ByteLimitStream(request.Body, maxBodyBytes), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : "";
            return (null, Problems.BadRequest($"The request body is not valid JSON{where}. {_shape}"));
        }
        catch (ByteLimitStream.TooLongException)
        {
            return (null, Problems.TooLarge($"The request body is larger than {maxBodyBytes:N0} bytes."));
        }

        using (document)
        {
            var (texts, problem) = ReadShape(document.RootElement);
            if (problem is not null)
            {
                return (null, problem);
            }

            var (parallelism, parallelismProblem) = ReadParallelism(document.RootElement);
            if (parallelismProblem is not null)
            {
                return (null, parallelismProblem);
            }

            var (runAt, runAtProblem) = ReadText(document.RootElement, "runAt");
            var (delay, delayProblem) = ReadText(document.RootElement, "delay");
            if ((runAtProblem ?? delayProblem) is { } timingProblem)
            {
                return (null, timingProblem);
            }

            var (callback, callbackProblem) = CallbackRequest.Read(document.RootElement, fetch, callbacks, IsBatch, texts!.Count, Verb);
            if (callbackProblem is not null)
            {
                return (null, callbackProblem);
            }

            var (urls, urlProblem) = Check(texts!, fetch);
            return urlProblem is not null ? (null, urlProblem) : (new UrlList(urls!, parallelism, runAt, delay, callback), null);
        }
    }

    /// <summary>A job request's optional string field (<c>runAt</c>, <c>delay</c>); a batch request has none.</summary>
    private (string? Text, IActionResult? Problem) ReadText(JsonElement root, string name)
    {
        if (IsBatch || !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        return value.ValueKind == JsonValueKind.String
            ? (value.GetString(), null)
            : (null, Problems.BadRequest($"\"{name}\" must be a string, not a {value.ValueKind.ToString().ToLowerInvariant()}. Nothing was enqueued."));
    }

    private (int? Parallelism, IActionResult? Problem) ReadParallelism(JsonElement root)
    {
        if (!IsBatch || !root.TryGetProperty("maxParallelism", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var parallelism) && parallelism >= 1 && parallelism <= _maxParallelism
            ? (parallelism, null)
            : (null, Problems.BadRequest($"\"maxParallelism\" must be a whole number from 1 to {_maxParallelism}; {value.GetRawText()} is not. Nothing was started."));
    }

    private (IReadOnlyList<string?>? Texts, IActionResult? Problem) ReadShape(JsonElement root)
    {
        var maxUrls = _maxUrls;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.BadRequest($"The request body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object. {_shape}"));
        }

        var hasUrl = root.TryGetProperty("url", out var url) && !IsBatch;
        var hasUrls = root.TryGetProperty("urls", out var urls);
        if (hasUrl == hasUrls)
        {
            return (null, Problems.BadRequest(hasUrl ? $"Give either \"url\" or \"urls\", not both. {_shape}" : $"The request names no URL. {_shape}"));
        }

        if (hasUrl)
        {
            return url.ValueKind == JsonValueKind.String
                ? ([url.GetString()], null)
                : (null, Problems.BadRequest($"\"url\" must be a string, not a {url.ValueKind.ToString().ToLowerInvariant()}. {_shape}"));
        }

        if (urls.ValueKind != JsonValueKind.Array)
        {
            return (null, Problems.BadRequest($"\"urls\" must be an array of strings. {_shape}"));
        }

        var count = urls.GetArrayLength();
        if (count == 0)
        {
            return (null, Problems.BadRequest($"\"urls\" is empty; give at least one URL. {_shape}"));
        }

        if (count > maxUrls)
        {
            return (null, Problems.BadRequest($"\"urls\" holds {count:N0} URLs; one request may {(IsBatch ? "start a batch of" : "enqueue")} at most {maxUrls:N0}. {_tooMany}"));
        }

        return (urls.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : null).ToArray(), null);
    }

    private (IReadOnlyList<Uri>? Urls, IActionResult? Problem) Check(IReadOnlyList<string?> texts, FetchOptions fetch)
    {
        var urls = new Uri[texts.Count];
        var errors = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            var label = texts.Count == 1 ? "The URL" : $"urls[{i}]";
            if (texts[i] is null)
            {
                errors.Add($"{label} is not a string.");
            }
            else if (UrlPolicy.Check(texts[i], fetch, out var error) is { } url)
            {
                urls[i] = url;
            }
            else
            {
                errors.Add($"{label} {error}");
            }
        }

        return errors.Count switch
        {
            0 => (urls, null),
            1 => (null, Problems.BadRequest($"{errors[0]} Nothing was {Verb}.", errors)),
            _ => (null, Problems.BadRequest($"{errors.Count} of the {texts.Count} URLs cannot be fetched (see errors); nothing was {Verb}.", errors)),
        };
    }
}
