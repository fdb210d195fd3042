using System.Net;
using System.Net.Sockets;

namespace Tally.Fetching;

/// <summary>Tells public internet addresses from loopback, private, link-local, multicast and reserved ones.</summary>
public static class AddressPolicy
{
    private static readonly (uint Network, int Prefix)[] NonPublicV4 =
    [
        (0x00000000, 8),   // 0.0.0.0/8 "this network"
        (0x0A000000, 8),   // 10.0.0.0/8 private
        (0x64400000, 10),  // 100.64.0.0/10 carrier-grade NAT
        (0x7F000000, 8),   // 127.0.0.0/8 loopback
        (0xA9FE0000, 16),  // 169.254.0.0/16 link-local, cloud metadata
        (0xAC100000, 12),  // 172.16.0.0/12 private
        (0xC0000000, 24),  // 192.0.0.0/24 protocol assignments
        (0xC0000200, 24),  // 192.0.2.0/24 documentation
        (0xC0586300, 24),  // 192.88.99.0/24 6to4 relay
        (0xC0A80000, 16),  // 192.168.0.0/16 private
        (0xC6120000, 15),  // 198.18.0.0/15 benchmarking
        (0xC6336400, 24),  // 198.51.100.0/24 documentation
        (0xCB007100, 24),  // 203.0.113.0/24 documentation
        (0xE0000000, 4),   // 224.0.0.0/4 multicast
        (0xF0000000, 4),   // 240.0.0.0/4 reserved, broadcast
    ];

    /// <summary>Whether <paramref name="address"/> is a public unicast address a fetch may connect to.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        foreach (var (network, prefix) in NonPublicV4)
        {
            var mask = uint.MaxValue << (32 - prefix);
            if ((value & mask) == network)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPublicV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);

        // Only global unicast (2000::/3) is public, and within it not documentation, the IETF
        // protocol block (Teredo among it), nor 6to4 and NAT64 forms that embed a non-public IPv4.
        if ((b[0] & 0xE0) != 0x20)
        {
            return IsNat64(b) && IsPublicV4(new IPAddress(b[12..]));
        }

        var first32 = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        if (first32 == 0x20010DB8 || (first32 & 0xFFFFFE00) == 0x20010000)
        {
            return false;
        }

        return b[0] != 0x20 || b[1] != 0x02 || IsPublicV4(new IPAddress(b[2..6]));
    }

    /// <summary>64:ff9b::/96, the well-known NAT64 prefix, which carries an IPv4 address in its last four bytes.</summary>
    private static bool IsNat64(ReadOnlySpan<byte> b) =>
        b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..12].IndexOfAnyExcept((byte)0) < 0;
}
