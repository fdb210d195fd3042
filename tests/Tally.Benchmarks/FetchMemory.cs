using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tally.Counting;
using Tally.Fetching;
using Tally.Hosting;

namespace Tally.Benchmarks;

/// <summary>
/// Fetches and counts a 64 MiB page from an origin on 127.0.0.1 (in this process, streaming it in
/// 64 KiB writes) and reports the process's idle and peak resident memory, then does the same the
/// naive way (read the whole body as a string, then split) for comparison. Linux only (it reads
/// and resets VmHWM through /proc/self).
/// </summary>
internal static class FetchMemory
{
    public static async Task RunAsync()
    {
        var page = File.ReadAllBytes(Corpus.Corpus.PathOf("english-typographic.txt"));
        await using var origin = await LocalOrigin.StartAsync(async context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            for (var i = 0; i < page.Length; i += 64 * 1024)
            {
                await context.Response.Body.WriteAsync(page.AsMemory(i, Math.Min(64 * 1024, page.Length - i)));
            }
        });
        var url = new Uri(origin.Address, "/page");
        await using var services = Fetching();
        var pages = services.GetRequiredService<PageFetcher>();
        using var naive = new HttpClient();

        await pages.CountAsync(url, default); // warm up: JIT, connection pool, buffers
        Console.WriteLine($"page: {page.Length / (1024 * 1024)} MiB of plain UTF-8 text from {url.Authority}");
        Console.WriteLine($"{"",-26}{"words",12}{"seconds",10}{"MB/s",8}{"idle RSS",12}{"peak RSS",12}{"allocated",12}");
        await MeasureAsync("Tally (streaming)", async () => (await pages.CountAsync(url, default)).Words);
        await MeasureAsync("naive (string + Split)", async () =>
            (await naive.GetStringAsync(url)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).LongLength);

        async Task MeasureAsync(string name, Func<Task<long>> count)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var idle = Rss("VmRSS");
            File.WriteAllText("/proc/self/clear_refs", "5"); // resets the peak (VmHWM) to the current RSS
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var words = await count();
            var seconds = clock.Elapsed.TotalSeconds;
            var peak = Rss("VmHWM");
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            Console.WriteLine($"{name,-26}{words,12:N0}{seconds,10:N2}{page.Length / seconds / 1e6,8:N0}{Mib(idle),12}{Mib(peak),12}{Mib(allocated),12}");
        }
    }

    internal static ServiceProvider Fetching()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tally:Fetch:AllowPrivateNetworks"] = "true",
            ["Tally:Fetch:Timeout"] = "00:05:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddTallyFetching();
        return services.BuildServiceProvider();
    }

    internal static long Rss(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    internal static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):N1} MiB";
}
