using System.Net;
using System.Net.Sockets;

namespace Tally.Fetching;

/// <summary>Tells public internet addresses from loopback, private, link-local, multicast, cloud-platform and reserved ones.</summary>
/// <remarks>The ranges are IANA's special-purpose address registries (IPv4 and IPv6) and the Azure platform address.</remarks>
public static class AddressPolicy
{
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network"
        IPNetwork.Parse("10.0.0.0/8"),         // private
        IPNetwork.Parse("100.64.0.0/10"),      // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("168.63.129.16/32"),   // Azure platform: DNS, health probes, the wire server
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, cloud instance metadata (169.254.169.254)
        IPNetwork.Parse("172.16.0.0/12"),      // private
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),       // documentation
        IPNetwork.Parse("192.31.196.0/24"),    // AS112
        IPNetwork.Parse("192.52.193.0/24"),    // AMT
        IPNetwork.Parse("192.88.99.0/24"),     // 6to4 relay anycast
        IPNetwork.Parse("192.168.0.0/16"),     // private
        IPNetwork.Parse("192.175.48.0/24"),    // AS112 direct delegation
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),    // documentation
        IPNetwork.Parse("203.0.113.0/24"),     // documentation
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, and 255.255.255.255 broadcast
        IPNetwork.Parse("64:ff9b:1::/48"),     // local-use NAT64
        IPNetwork.Parse("100::/64"),           // discard-only
        IPNetwork.Parse("2001::/23"),          // IETF protocol assignments, Teredo among them
        IPNetwork.Parse("2001:db8::/32"),      // documentation
        IPNetwork.Parse("3fff::/20"),          // documentation
        IPNetwork.Parse("5f00::/16"),          // segment routing (SRv6) SIDs
    ];

    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");   // carries an IPv4 address in its last four bytes
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16"); // carries an IPv4 address in bytes 2 to 5

    /// <summary>Whether <paramref name="address"/> is a public unicast address a fetch may connect to.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            if (Nat64.Contains(address))
            {
                return IsPublic(new IPAddress(bytes[12..]));
            }

            if (SixToFour.Contains(address))
            {
                return IsPublic(new IPAddress(bytes[2..6]));
            }

            if (!GlobalUnicast.Contains(address))
            {
                return false; // loopback, unspecified, unique-local, link-local, site-local, multicast…
            }
        }
        else if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        foreach (var network in NonPublic)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        return true;
    }
}
