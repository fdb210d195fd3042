using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tally.Fetching;
using Tally.Functions.Http;
using Tally.Jobs;

namespace Tally.Functions.Jobs;

/// <summary>Reads <c>{"url": …}</c> or <c>{"urls": […]}</c>, checking every URL before anything is enqueued.</summary>
internal static class EnqueueRequest
{
    /// <summary>The largest body read: 1,000 URLs of 2,048 characters fit with room to spare.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private const string Shape = "Send {\"url\": \"https://…\"} or {\"urls\": [\"https://…\", …]}.";

    /// <summary>The URLs to enqueue, or the problem answer that explains why there are none.</summary>
    public static async Task<(IReadOnlyList<Uri>? Urls, IActionResult? Problem)> ReadAsync(
        HttpRequest request, FetchOptions fetch, JobsOptions jobs, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Problems.TooLarge($"The request body is {request.ContentLength:N0} bytes; the limit is {MaxBodyBytes:N0}."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(new LimitedStream(request.Body, MaxBodyBytes), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : "";
            return (null, Problems.BadRequest($"The request body is not valid JSON{where}. {Shape}"));
        }
        catch (LimitedStream.TooLongException)
        {
            return (null, Problems.TooLarge($"The request body is larger than {MaxBodyBytes:N0} bytes."));
        }

        using (document)
        {
            var (texts, problem) = ReadShape(document.RootElement, jobs.MaxUrlsPerRequest);
            return problem is not null ? (null, problem) : Check(texts!, fetch);
        }
    }

    private static (IReadOnlyList<string?>? Texts, IActionResult? Problem) ReadShape(JsonElement root, int maxUrls)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.BadRequest($"The request body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object. {Shape}"));
        }

        var hasUrl = root.TryGetProperty("url", out var url);
        var hasUrls = root.TryGetProperty("urls", out var urls);
        if (hasUrl == hasUrls)
        {
            return (null, Problems.BadRequest(hasUrl ? $"Give either \"url\" or \"urls\", not both. {Shape}" : $"The request names no URL. {Shape}"));
        }

        if (hasUrl)
        {
            return url.ValueKind == JsonValueKind.String
                ? ([url.GetString()], null)
                : (null, Problems.BadRequest($"\"url\" must be a string, not a {url.ValueKind.ToString().ToLowerInvariant()}. {Shape}"));
        }

        if (urls.ValueKind != JsonValueKind.Array)
        {
            return (null, Problems.BadRequest($"\"urls\" must be an array of strings. {Shape}"));
        }

        var count = urls.GetArrayLength();
        if (count == 0)
        {
            return (null, Problems.BadRequest($"\"urls\" is empty; give at least one URL. {Shape}"));
        }

        if (count > maxUrls)
        {
            return (null, Problems.BadRequest($"\"urls\" holds {count:N0} URLs; one request may enqueue at most {maxUrls:N0}. Split it, or use POST /api/batches."));
        }

        return (urls.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : null).ToArray(), null);
    }

    private static (IReadOnlyList<Uri>? Urls, IActionResult? Problem) Check(IReadOnlyList<string?> texts, FetchOptions fetch)
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
            1 => (null, Problems.BadRequest($"{errors[0]} Nothing was enqueued.", errors)),
            _ => (null, Problems.BadRequest($"{errors.Count} of the {texts.Count} URLs cannot be fetched (see errors); nothing was enqueued.", errors)),
        };
    }
}
