using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;

namespace Tally.Benchmarks.Host;

/// <summary>
/// The host benchmark's origin, a process of its own so that its CPU time is its own: Kestrel on 127.0.0.1 serving
/// <see cref="EnglishPages"/> at <c>/page/{n}</c> (any n: page n modulo the count), robots.txt as missing (404), and
/// what it saw at <c>/_stats</c>: distinct pages served since a POST to <c>/_reset</c>, requests, and the most at once.
/// </summary>
internal sealed class PagesOrigin
{
    private readonly byte[][] _pages;
    private readonly int[] _served;
    private int _distinct;
    private int _requests;
    private int _robots;
    private int _strays;
    private int _inFlight;
    private int _mostInFlight;

    private PagesOrigin(int count, int tracked)
    {
        _pages = [.. Enumerable.Range(0, count).Select(EnglishPages.Page)];
        _served = new int[tracked];
    }

    /// <summary>Serves <paramref name="count"/> pages until standard input closes (the benchmark ended or died).</summary>
    public static async Task ServeAsync(int count)
    {
        var origin = new PagesOrigin(count, tracked: 4 * count);
        await using var server = await LocalOrigin.StartAsync(origin.AnswerAsync);
        Console.WriteLine(server.Address);
        await Console.In.ReadToEndAsync();
    }

    private Task AnswerAsync(HttpContext context) => context.Request.Path.Value switch
    {
        ['/', 'p', 'a', 'g', 'e', '/', .. var n] when int.TryParse(n, out var page) => PageAsync(context, page),
        "/_stats" => context.Response.WriteAsJsonAsync(new OriginStats(_distinct, _requests, _mostInFlight, _robots)),
        "/_reset" => Reset(),
        "/robots.txt" => NotFound(context, ref _robots),
        _ => NotFound(context, ref _strays),
    };

    private static Task NotFound(HttpContext context, ref int counter)
    {
        Interlocked.Increment(ref counter);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private async Task PageAsync(HttpContext context, int n)
    {
        Interlocked.Increment(ref _requests);
        var now = Interlocked.Increment(ref _inFlight);
        for (var most = _mostInFlight; now > most; most = _mostInFlight)
        {
            Interlocked.CompareExchange(ref _mostInFlight, now, most);
        }

        try
        {
            if ((uint)n < (uint)_served.Length && Interlocked.Exchange(ref _served[n], 1) == 0)
            {
                Interlocked.Increment(ref _distinct);
            }

            var page = _pages[Math.Abs(n) % _pages.Length];
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = page.Length;
            await context.Response.Body.WriteAsync(page, context.RequestAborted);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private Task Reset()
    {
        Array.Clear(_served);
        _distinct = _requests = _robots = _mostInFlight = 0;
        return Task.CompletedTask;
    }
}

/// <summary>What the origin saw since its last reset.</summary>
/// <param name="Distinct">Pages served at least once.</param>
/// <param name="Requests">Page requests, repeats included.</param>
/// <param name="MostInFlight">The most page requests it answered at once.</param>
/// <param name="Robots">robots.txt requests.</param>
internal sealed record OriginStats(int Distinct, int Requests, int MostInFlight, int Robots);

/// <summary>The origin's process, started from this benchmark's own executable, and a client for its counters.</summary>
internal sealed class OriginProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private OriginProcess(Process process, Uri address) => (_process, Address, _http) = (process, address, new HttpClient { BaseAddress = address });

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public static async Task<OriginProcess> StartAsync(int pages)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("host-origin");
        start.ArgumentList.Add($"{pages}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("The origin did not start.");
        var address = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"The origin exited with code {process.ExitCode}.");
        return new OriginProcess(process, new Uri(address));
    }

    public Uri Page(int n) => new(Address, $"/page/{n}");

    public async Task<OriginStats> StatsAsync() => (await _http.GetFromJsonAsync<OriginStats>("/_stats"))!;

    public async Task ResetAsync() => (await _http.PostAsync("/_reset", null)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
        _http.Dispose();
    }
}
