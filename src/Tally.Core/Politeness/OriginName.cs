using System.Diagnostics.CodeAnalysis;

namespace Tally.Politeness;

/// <summary>A URL's origin written as the WHATWG URL standard serializes it: <c>scheme://host[:port]</c>, the default port left out.</summary>
public static class OriginName
{
    /// <summary>The origin of <paramref name="url"/>.</summary>
    public static string Of(Uri url)
    {
        var host = url.HostNameType == UriHostNameType.IPv6 ? url.Host : url.IdnHost; // IPv6 in brackets, names in their ASCII (punycode) form
        return (url.IsDefaultPort ? $"{url.Scheme}://{host}" : $"{url.Scheme}://{host}:{url.Port}").ToLowerInvariant();
    }

    /// <summary>Reads an absolute http(s) URL's origin; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? origin)
    {
        origin = Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? Of(url) : null;
        return origin is not null;
    }
}
