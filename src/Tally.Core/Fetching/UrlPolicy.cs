using System.Globalization;
using System.Net;

namespace Tally.Fetching;

/// <summary>Checks that a URL a user submitted is one Tally may fetch, with a reason a person can act on when not.</summary>
public static class UrlPolicy
{
    /// <summary>Parses and checks <paramref name="text"/>.</summary>
    /// <returns>The URL, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static Uri? Check(string? text, FetchOptions options, out string? error)
    {
        error = Problem(text, options, out var uri);
        return error is null ? uri : null;
    }

    private static string? Problem(string? text, FetchOptions options, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is empty; give an absolute http or https URL such as https://example.com/page.";
        }

        if (text.Length > options.MaxUrlLength)
        {
            return $"is {text.Length:N0} characters long; the limit is {options.MaxUrlLength:N0}.";
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out uri) || uri.IsFile || uri.IsUnc)
        {
            uri = null;
            return "is not an absolute URL; give one with its scheme and host, such as https://example.com/page.";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"uses the '{uri.Scheme}' scheme; only http and https can be fetched.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "carries credentials (user:password@); Tally fetches public pages and never sends credentials.";
        }

        var host = MappedHost(uri);
        if (uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6) && IPAddress.TryParse(host, out var address))
        {
            return $"names the host '{uri.Host}', which is the address {address} once its characters are mapped as a browser maps them (IDNA); "
                + "write an address as digits and dots, or give a name.";
        }

        if (!options.AllowPrivateNetworks && IsNonPublicHost(uri, host))
        {
            return $"points at '{uri.Host}', which is not a public address; fetches may only reach the public internet.";
        }

        return null;
    }

    /// <summary>
    /// The host as DNS will be asked for it: IDNA-mapped (UTS 46, as the WHATWG URL parser maps hosts), so full-width
    /// and circled digits become digits and ideographic full stops become dots. <see cref="Uri.DnsSafeHost"/> keeps
    /// them, which would let <c>①②⑦.0.0.1</c> pass as a name.
    /// </summary>
    private static string MappedHost(Uri uri)
    {
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return uri.DnsSafeHost;
        }

        try
        {
            return new IdnMapping().GetAscii(uri.DnsSafeHost);
        }
        catch (ArgumentException)
        {
            return uri.IdnHost; // not a valid IDNA name: Uri's own mapping, which DNS will be asked for
        }
    }

    /// <summary>
    /// A literal non-public address, or a name that always means this machine: <c>localhost</c> and every
    /// <c>*.localhost</c> name (RFC 6761), with or without the trailing dot of a fully qualified name.
    /// </summary>
    private static bool IsNonPublicHost(Uri uri, string mappedHost)
    {
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return !AddressPolicy.IsPublic(IPAddress.Parse(uri.DnsSafeHost));
        }

        var host = mappedHost.TrimEnd('.');
        return uri.IsLoopback
            || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }
}
