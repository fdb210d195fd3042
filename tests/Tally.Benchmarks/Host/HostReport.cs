using static Tally.Benchmarks.Host.HostThroughput;

namespace Tally.Benchmarks.Host;

/// <summary>The host benchmark's tables: throughput, CPU seconds by process, storage calls per page and what they touched, and the medians.</summary>
internal static class HostReport
{
    public static void Print(IReadOnlyList<RoundResult> results, int pages)
    {
        Console.WriteLine();
        Console.WriteLine("Throughput (jobs: first POST to last job final; batch: POST to completed; start: func start to /api/health answering)");
        Console.WriteLine($"{"round",5} {"politeness",-10} {"pass",-4} {"start s",7} {"POST 1 s",9} {"POST 2 s",9} {"jobs s",7} {"jobs/s",7} {"batch s",8} {"URLs/s",7}  most at once at the origin (jobs, batch)  robots.txt");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Round,5} {r.Politeness,-10} {r.Pass,-4} {r.Start.TotalSeconds,7:0.0} {r.Posts[0].TotalSeconds,9:0.000} {r.Posts[^1].TotalSeconds,9:0.000} {r.Jobs.Elapsed.TotalSeconds,7:0.00} {Rate(pages, r.Jobs.Elapsed),7} "
                + $"{r.Batch.Elapsed.TotalSeconds,8:0.00} {Rate(pages, r.Batch.Elapsed),7}  {r.Jobs.Origin.MostInFlight,18}, {r.Batch.Origin.MostInFlight,-20}  {r.Jobs.Origin.Robots + r.Batch.Origin.Robots}");
        }

        Console.WriteLine();
        Console.WriteLine("CPU seconds of each process over each window (user + system, /proc/<pid>/stat); ms a page for Tally's two processes");
        Console.WriteLine($"{"round",5} {"politeness",-10} {"pass",-4} {"window",-6} {string.Join(' ', ProcessCpu.Roles.Select(role => $"{role,8}"))} {"total",7}  {"host+worker ms/page",19}");
        foreach (var r in results)
        {
            foreach (var (name, window) in new[] { ("jobs", r.Jobs), ("batch", r.Batch) })
            {
                var tally = window.Cpu["host"] + window.Cpu["worker"];
                Console.WriteLine($"{r.Round,5} {r.Politeness,-10} {r.Pass,-4} {name,-6} {string.Join(' ', ProcessCpu.Roles.Select(role => $"{window.Cpu[role],8:0.00}"))} {window.Cpu.Values.Sum(),7:0.00}  {tally * 1000 / pages,19:0.00}");
            }
        }

        if (results.All(r => r.Jobs.Calls is not null))
        {
            PrintCalls(results, pages);
        }

        Console.WriteLine();
        foreach (var group in results.GroupBy(r => (r.Politeness, r.Pass)))
        {
            Console.WriteLine($"median, politeness {group.Key.Politeness}, {group.Key.Pass} ({group.Count()} rounds): {Rate(pages, Median(group.Select(r => r.Jobs.Elapsed)))} jobs/s, "
                + $"{Rate(pages, Median(group.Select(r => r.Batch.Elapsed)))} URLs/s, POST {Median(group.SelectMany(r => r.Posts)).TotalSeconds:0.000} s");
        }

        foreach (var pass in results.Select(r => r.Pass).Distinct())
        {
            var off = results.Where(r => r.Pass == pass && r.Politeness == "off").ToList();
            var defaults = results.Where(r => r.Pass == pass && r.Politeness == "defaults").ToList();
            if (off.Count > 0 && defaults.Count > 0)
            {
                var jobs = Median(off.Select(r => r.Jobs.Elapsed)) / Median(defaults.Select(r => r.Jobs.Elapsed));
                var batch = Median(off.Select(r => r.Batch.Elapsed)) / Median(defaults.Select(r => r.Batch.Elapsed));
                Console.WriteLine($"politeness defaults against off, {pass} (issue 23 asks for at least 0.90): jobs {jobs:0.00}, batch {batch:0.00}");
            }
        }
    }

    private static void PrintCalls(IReadOnlyList<RoundResult> results, int pages)
    {
        Console.WriteLine();
        Console.WriteLine("Storage calls a page (every call to Azurite in the window, the host's and Durable's included)");
        Console.WriteLine($"{"round",5} {"politeness",-10} {"pass",-4} {"jobs: all",10} {"table",6} {"queue",6} {"blob",6}   {"batch: all",10} {"table",6} {"queue",6} {"blob",6}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Round,5} {r.Politeness,-10} {r.Pass,-4} {Split(r.Jobs, pages)}   {Split(r.Batch, pages)}");
        }

        foreach (var politeness in results.Select(r => r.Politeness).Distinct())
        {
            var last = results.Last(r => r.Politeness == politeness);
            foreach (var (name, window) in new[] { ("jobs", last.Jobs), ("batch", last.Batch) })
            {
                Console.WriteLine();
                Console.WriteLine($"What the calls touched, round {last.Round}, politeness {politeness}, {last.Pass}, {name} window: calls, calls a page");
                foreach (var (kind, count) in window.Calls!.OrderByDescending(c => c.Value).Take(14))
                {
                    Console.WriteLine($"  {kind,-58} {count,7:N0} {(double)count / pages,7:0.000}");
                }
            }
        }
    }

    private static string Split(Window window, int pages)
    {
        double Service(string name) => (double)window.Calls!.Where(c => c.Key.StartsWith(name + " ", StringComparison.Ordinal)).Sum(c => c.Value) / pages;
        return $"{(double)window.TotalCalls / pages,10:0.000} {Service("table"),6:0.000} {Service("queue"),6:0.000} {Service("blob"),6:0.000}";
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
