namespace Tally.Fetching;

/// <summary>
/// What a page's last fetch left to revalidate it with: its validators (<c>ETag</c>, <c>Last-Modified</c>) and its
/// count, which a <c>304 Not Modified</c> reuses.
/// </summary>
/// <param name="ETag">The entity tag the origin sent, as sent.</param>
/// <param name="LastModified">The <c>Last-Modified</c> date the origin sent, as sent.</param>
/// <param name="Words">The words the page had.</param>
/// <param name="ContentType">The Content-Type it had.</param>
public sealed record PageValidators(string? ETag, string? LastModified, long Words, string? ContentType)
{
    /// <summary>The longest validator kept; a longer one is not stored, and the page is simply fetched again next time.</summary>
    public const int MaxLength = 256;

    /// <summary>The validators of <paramref name="response"/>, each null when it was not sent or is too long to keep.</summary>
    internal static (string? ETag, string? LastModified) Of(HttpResponseMessage response)
    {
        var etag = response.Headers.ETag?.ToString();
        var lastModified = response.Content.Headers.TryGetValues("Last-Modified", out var values) ? values.FirstOrDefault() : null;
        return (etag is { Length: <= MaxLength } ? etag : null, lastModified is { Length: <= MaxLength } ? lastModified : null);
    }

    /// <summary>Makes <paramref name="request"/> conditional on these validators.</summary>
    internal void Apply(HttpRequestMessage request)
    {
        if (ETag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ETag);
        }

        if (LastModified is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", LastModified);
        }
    }
}
