using System.Diagnostics;

namespace Tally.Benchmarks.Corpus;

/// <summary>Times coreutils' <c>wc -w</c> on each corpus file (UTF-8 locale, page cache warm): the median of three runs.</summary>
internal static class WordCount
{
    public static void Run()
    {
        Console.WriteLine("| kind | wc -w words | wc -w median of 3 | MB/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var kind in Corpus.Kinds)
        {
            var path = Corpus.PathOf(kind);
            File.ReadAllBytes(path); // warm the page cache, as BenchmarkDotNet's warm-up does for Tally
            var runs = new List<(TimeSpan Time, string Words)>();
            for (var i = 0; i < 3; i++)
            {
                var info = new ProcessStartInfo("wc", ["-w", path]) { RedirectStandardOutput = true, Environment = { ["LC_ALL"] = "C.UTF-8" } };
                var clock = Stopwatch.StartNew();
                using var wc = Process.Start(info)!;
                var output = wc.StandardOutput.ReadToEnd();
                wc.WaitForExit();
                runs.Add((clock.Elapsed, output.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
            }

            var median = runs.OrderBy(r => r.Time).ElementAt(1);
            Console.WriteLine($"| {kind} | {median.Words} | {median.Time.TotalMilliseconds:N0} ms | {Corpus.Size / median.Time.TotalSeconds / 1e6:N0} |");
        }
    }
}
