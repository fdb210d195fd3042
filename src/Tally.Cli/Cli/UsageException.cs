namespace Tally.Cli.Cli;

/// <summary>A command line that parses but cannot be run as given; <c>tally</c> says why and exits with <see cref="ExitCodes.Usage"/>.</summary>
/// <param name="message">What is wrong with the command line, and what to give instead.</param>
public sealed class UsageException(string message) : Exception(message);
