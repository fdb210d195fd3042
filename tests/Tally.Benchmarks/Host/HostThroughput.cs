using System.Globalization;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;

namespace Tally.Benchmarks.Host;

/// <summary>
/// Tally under the real Functions host (<c>func start</c> from PATH, on the app built in this configuration): jobs/s
/// end to end for 2 × 1,000-URL <c>POST /api/jobs</c> and each POST's time, URLs/s for the same 2,000 URLs as one batch
/// at parallelism 64, storage calls per page (counted by <see cref="CountingStorageProxy"/>) and each process's CPU
/// seconds over each window, each measured twice on the same host (cold, then warm); with politeness at its defaults
/// and with it off (no robots.txt, 1,000 at once per origin), alternating, several rounds. <c>--quick</c>: 200 pages, one round. <c>--rounds N</c>. <c>--politeness defaults</c>
/// or <c>off</c>: that one only. <c>--direct</c>: no proxy (no call counts), to see what the proxy's hop costs.
/// </summary>
internal static class HostThroughput
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Politeness = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["defaults"] = new Dictionary<string, string>(),
        ["off"] = new Dictionary<string, string>
        {
            ["Tally__Politeness__MaxConcurrentPerOrigin"] = "1000",
            ["Tally__Politeness__ObeyRobotsTxt"] = "false",
        },
    };

    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var direct = args.Contains("--direct");
        var pages = quick ? 200 : 2_000;
        var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(quick ? 1 : 3);
        var only = args.SkipWhile(a => a != "--politeness").Skip(1).FirstOrDefault();
        var func = FuncLocator.Require();
        Console.WriteLine($"host benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average at start: {LoadAverage()}");
        Console.WriteLine($"func: {func}; the app as this configuration built it (src/Tally.Functions/bin/<configuration>)");

        await using var origin = await OriginProcess.StartAsync(pages);
        var expectedWords = Enumerable.Range(0, pages).Sum(n => (long)EnglishPages.WordCount(EnglishPages.Page(n)));
        Console.WriteLine($"{pages:N0} plain-text English pages of about {EnglishPages.PageBytes / 1024} KiB ({expectedWords:N0} words) from {origin.Address} (a process of its own); "
            + (direct ? "storage calls not counted (--direct)" : "storage calls counted by a proxy in front of Azurite"));

        var settings = new Dictionary<string, string>
        {
            ["Tally__Fetch__AllowPrivateNetworks"] = "true", // the origin is on 127.0.0.1
            [Azurite.TryTimeoutSetting.Key.Replace(":", "__", StringComparison.Ordinal)] = Azurite.TryTimeoutSetting.Value!,
        };
        var run = new HostRun(origin, pages, expectedWords, direct);
        var results = new List<RoundResult>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, politeness) in Politeness.Where(p => only is null || p.Key == only))
            {
                foreach (var result in await run.RunAsync(round, name, settings.Concat(politeness).ToDictionary()))
                {
                    results.Add(result);
                    Console.WriteLine($"round {round}, politeness {name}, {result.Pass}: {Rate(pages, result.Jobs.Elapsed)} jobs/s, batch {Rate(pages, result.Batch.Elapsed)} URLs/s (load average {LoadAverage()})");
                }
            }
        }

        HostReport.Print(results, pages);
        Console.WriteLine($"load average at end: {LoadAverage()}");
    }

    /// <summary>Pages a second over <paramref name="elapsed"/>, as printed.</summary>
    public static string Rate(int pages, TimeSpan elapsed) => (pages / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
