using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Tally.Fetching;

/// <summary>
/// Opens the TCP connections of the fetch client, and refuses any whose address is not public.
/// </summary>
/// <remarks>
/// Checking the address actually connected to, after DNS and on every redirect hop, is what
/// stops SSRF: checking the URL alone is beaten by a public name that resolves to 127.0.0.1,
/// by DNS rebinding, and by a redirect to the cloud metadata endpoint.
/// </remarks>
internal class GuardedConnection(IOptionsMonitor<FetchOptions> options)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = Array.FindAll(addresses, address => IsAllowed(new IPEndPoint(address, port)));
        if (allowed.Length == 0)
        {
            throw new BlockedAddressException(host, addresses);
        }

        return await OpenAsync(allowed, port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a fetch may connect to <paramref name="endpoint"/>.</summary>
    protected virtual bool IsAllowed(IPEndPoint endpoint) =>
        options.CurrentValue.AllowPrivateNetworks || AddressPolicy.IsPublic(endpoint.Address);

    /// <summary>Connects to the first of <paramref name="addresses"/> that answers.</summary>
    protected virtual async ValueTask<Stream> OpenAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A fetch was refused because its host resolves only to non-public addresses.</summary>
internal sealed class BlockedAddressException(string host, IReadOnlyCollection<IPAddress> addresses)
    : Exception($"'{host}' resolves to {string.Join(", ", addresses)}, which is not a public address; fetches may only reach the public internet.");
