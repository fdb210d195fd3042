using System.Net;
using Tally.Fetching;

namespace Tally.Tests.Fetching;

/// <summary>Which addresses the fetcher may connect to: loopback, private, link-local, reserved and the Azure platform address are not public, however they are written.</summary>
public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001::1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("168.63.129.16")]            // the Azure platform address (DNS, health probes, wire server)
    [InlineData("::ffff:168.63.129.16")]
    [InlineData("2002:a83f:8110::")]         // 6to4 wrapping it
    [InlineData("64:ff9b::a83f:8110")]       // NAT64 wrapping it
    [InlineData("192.31.196.1")]
    [InlineData("192.52.193.1")]
    [InlineData("192.175.48.1")]
    [InlineData("64:ff9b:1::1")]
    [InlineData("100::1")]
    [InlineData("3fff::1")]
    [InlineData("5f00::1")]
    [InlineData("fec0::1")]
    public void NonPublicAddress_IsNotPublic(string address) => Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("::ffff:93.184.215.14")]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c")]
    [InlineData("2002:5db8:d70e::")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("168.63.129.17")]
    [InlineData("168.63.129.15")]
    public void PublicAddress_IsPublic(string address) => Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)));
}
