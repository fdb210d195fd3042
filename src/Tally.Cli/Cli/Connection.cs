using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tally.Client;

namespace Tally.Cli.Cli;

/// <summary>Where the app is: <c>--url</c> and <c>--key</c>, else <c>TALLY_URL</c> and <c>TALLY_KEY</c>, else the local app.</summary>
public static class Connection
{
    /// <summary>The address <c>func start</c> listens on: used when neither <c>--url</c> nor <c>TALLY_URL</c> says another.</summary>
    public const string LocalApp = "http://localhost:7071";

    /// <summary>The app's base address, without <c>/api</c>.</summary>
    public static Option<string?> Url { get; } = new("--url")
    {
        Description = $"The app's base address, without /api (default: TALLY_URL, else {LocalApp})",
        Recursive = true,
    };

    /// <summary>The function key.</summary>
    public static Option<string?> Key { get; } = new("--key")
    {
        Description = "The function key (default: TALLY_KEY; none is needed locally)",
        Recursive = true,
    };

    /// <summary>The app's address as given: <c>--url</c>, else <c>TALLY_URL</c>, else <see cref="LocalApp"/>.</summary>
    public static string Address(ParseResult parse) => parse.GetValue(Url) ?? Environment.GetEnvironmentVariable("TALLY_URL") ?? LocalApp;

    /// <summary>A <see cref="TallyClient"/> for the app the command line (or the environment) names, built through <see cref="IHttpClientFactory"/>.</summary>
    /// <exception cref="UsageException">The address is not an absolute http or https URL.</exception>
    public static TallyClient Client(ParseResult parse)
    {
        var text = Address(parse);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"The app's address must be an absolute http or https URL such as {LocalApp} (--url or TALLY_URL); '{text}' is not one.");
        }

        var key = parse.GetValue(Key) ?? Environment.GetEnvironmentVariable("TALLY_KEY");
        var services = new ServiceCollection();
        services.AddTallyClient(address, key);
        return services.BuildServiceProvider().GetRequiredService<TallyClient>();
    }
}
