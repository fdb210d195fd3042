namespace Tally.Jobs.Search;

/// <summary>
/// Which origin's jobs a search keeps: a host (<c>example.com</c>: any scheme and port), a host and port
/// (<c>example.com:8080</c>), or a whole origin (<c>https://example.com</c>: that scheme, host and port). Hosts compare
/// without regard to case, as DNS does.
/// </summary>
public sealed class OriginFilter
{
    private readonly string? _scheme;
    private readonly string _host;
    private readonly int? _port;

    private OriginFilter(string? scheme, string host, int? port) => (_scheme, _host, _port) = (scheme, host, port);

    /// <summary>The longest origin accepted: a host name's limit, with room for a scheme and a port.</summary>
    public const int MaxLength = 300;

    /// <summary>Reads an origin as <c>?origin=</c> gives it; null when it is not a host, a host and port, or an origin.</summary>
    public static OriginFilter? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return null;
        }

        var whole = text.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(whole ? text : "http://" + text, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || uri.UserInfo.Length > 0 || text.EndsWith('/'))
        {
            return null;
        }

        var explicitPort = whole || !uri.IsDefaultPort || text.EndsWith(":80", StringComparison.Ordinal);
        return new OriginFilter(whole ? uri.Scheme : null, uri.IdnHost, explicitPort ? uri.Port : null);
    }

    /// <summary>Whether the job's <paramref name="url"/> is of this origin.</summary>
    public bool Matches(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && string.Equals(uri.IdnHost, _host, StringComparison.OrdinalIgnoreCase)
        && (_scheme is null || uri.Scheme == _scheme)
        && (_port is null || uri.Port == _port);
}
