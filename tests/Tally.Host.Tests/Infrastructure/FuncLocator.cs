namespace Tally.Host.Tests.Infrastructure;

/// <summary>
/// Finds <c>func</c> (Azure Functions Core Tools, or <c>../shared/functions-host</c>) on <c>PATH</c>, and says what the
/// suite does without it: in CI (<c>CI=true</c>) that is a failure; elsewhere every host test is skipped with one reason.
/// </summary>
public static class FuncLocator
{
    private static readonly Lazy<string?> Found = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "func"))
            .FirstOrDefault(File.Exists));

    /// <summary>The <c>func</c> on PATH, or null.</summary>
    public static string? Command => Found.Value;

    /// <summary>True when the environment says this is CI, where a missing host is a failure, not a skip.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>What is missing, in one line a person can act on.</summary>
    public const string MissingMessage =
        "'func' is not on PATH: put Azure Functions Core Tools v4 there, or this repository's ../shared/functions-host (PATH=\"$(realpath ../shared/functions-host):$PATH\")";

    /// <summary>Why the host tests are skipped here, or null when they run (func found, or CI, where its absence fails them).</summary>
    public static string? SkipReason => Command is null && !InCi ? $"Host suite skipped: {MissingMessage}." : null;

    /// <summary>The func to run; throws in CI when there is none.</summary>
    public static string Require() => Command ?? throw new InvalidOperationException($"The host suite cannot run: {MissingMessage}. CI=true makes this a failure.");
}
