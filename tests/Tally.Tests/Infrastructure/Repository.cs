using System.Reflection;

namespace Tally.Tests.Infrastructure;

/// <summary>Where the repository and the built function app are, as the build recorded them.</summary>
internal static class Repository
{
    public static string Root => Metadata("RepositoryRoot");

    public static string FunctionsAppDirectory => Metadata("FunctionsAppDirectory");

    /// <summary>The build output of the <c>tally</c> tool (src/Tally.Cli).</summary>
    public static string CliDirectory => Metadata("CliDirectory");

    /// <summary>Where restore put the Bicep CLI for this machine's runtime.</summary>
    public static string BicepDirectory => Metadata("BicepDirectory");

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
