using System.Diagnostics;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tally.Fetching;

namespace Tally.Benchmarks;

/// <summary>
/// 64 fetches at once of hostile compressed bodies from an origin on 127.0.0.1, each kind in turn: gzip and deflate
/// bombs (1 GiB of zeros, about 1 MiB on the wire, past the default 256 MiB limit), and brotli bodies encoded with a
/// 16 MiB window (32 MiB of text), which Tally did not ask for. Reports the process's resident memory before and at its peak, then the
/// same brotli bodies through the former pipeline (<c>AutomaticDecompression = All</c>) for comparison. Linux only.
/// </summary>
internal static class HostileFetchMemory
{
    private const int Concurrency = 64;

    public static async Task RunAsync()
    {
        var zeros = new byte[1024 * 1024 * 1024];
        var bodies = new Dictionary<string, byte[]>
        {
            ["gzip"] = Compress(zeros, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true)),
            ["deflate"] = Compress(zeros, s => new ZLibStream(s, CompressionLevel.Optimal, leaveOpen: true)),
            ["br"] = Brotli([.. Enumerable.Repeat("words a brotli decoder must hold a 16 MiB window for "u8.ToArray(), 640 * 1024).SelectMany(b => b)]),
        };
        zeros = null;
        await using var origin = await LocalOrigin.StartAsync(async context =>
        {
            var coding = context.Request.Path.Value!.Trim('/');
            if (!bodies.ContainsKey(coding))
            {
                context.Response.StatusCode = 404; // robots.txt among others: none, so every page may be fetched
                return;
            }

            context.Response.ContentType = "text/plain";
            context.Response.Headers.ContentEncoding = coding;
            try
            {
                await context.Response.Body.WriteAsync(bodies[coding], context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // the client stopped reading, as it should
            }
        });
        await using var services = FetchMemory.Fetching();
        var pages = services.GetRequiredService<PageFetcher>();
        await pages.CountAsync(new Uri(origin.Address, "/gzip"), default).ContinueWith(_ => { }); // warm up: JIT, connections, buffers

        Console.WriteLine($"{Concurrency} fetches at once; bodies on the wire: " + string.Join(", ", bodies.Select(b => $"{b.Key} {b.Value.Length:N0} bytes")));
        Console.WriteLine($"{"",-34}{"outcome",-44}{"seconds",8}{"idle RSS",12}{"peak RSS",12}{"rise",12}");
        foreach (var coding in bodies.Keys)
        {
            await MeasureAsync($"Tally, {coding}", () => Outcome(async () => await pages.CountAsync(new Uri(origin.Address, $"/{coding}"), default)));
        }

        using var former = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.All });
        await MeasureAsync("former pipeline (All), br", () => Outcome(async () =>
        {
            await using var body = await former.GetStreamAsync(new Uri(origin.Address, "/br"));
            await body.CopyToAsync(Stream.Null);
            return null;
        }));
    }

    private static async Task<string> Outcome(Func<Task<PageCount?>> fetch)
    {
        try
        {
            var page = await fetch();
            return page is null ? "read" : $"{page.Words} words";
        }
        catch (FetchFailedException ex)
        {
            return ex.Message.Split(' ', 6)[..5].Aggregate((a, b) => $"{a} {b}") + " …";
        }
    }

    private static async Task MeasureAsync(string name, Func<Task<string>> fetch)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var idle = FetchMemory.Rss("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets the peak (VmHWM) to the current RSS
        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(fetch)));
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = FetchMemory.Rss("VmHWM");
        var outcome = string.Join("; ", outcomes.GroupBy(o => o).Select(g => $"{g.Count()}× {g.Key}"));
        Console.WriteLine($"{name,-34}{outcome,-44}{seconds,8:N1}{FetchMemory.Mib(idle),12}{FetchMemory.Mib(peak),12}{FetchMemory.Mib(peak - idle),12}");
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        using var compressed = new MemoryStream();
        using (var writer = compressor(compressed))
        {
            writer.Write(data);
        }

        return compressed.ToArray();
    }

    /// <summary>A brotli body whose header asks its decoder for the largest window, 16 MiB.</summary>
    private static byte[] Brotli(byte[] data)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(data.Length)];
        if (!BrotliEncoder.TryCompress(data, output, out var written, quality: 5, window: 24))
        {
            throw new InvalidOperationException("Brotli compression failed.");
        }

        return output[..written];
    }
}
