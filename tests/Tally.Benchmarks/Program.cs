using BenchmarkDotNet.Running;
using Tally.Benchmarks;

// dotnet run -c Release --project tests/Tally.Benchmarks -- counting   (BenchmarkDotNet: MB/s and allocations per corpus kind, then wc -w)
// dotnet run -c Release --project tests/Tally.Benchmarks -- wc         (wc -w alone on the same corpus)
// dotnet run -c Release --project tests/Tally.Benchmarks -- memory     (fetch-and-count of 64 MiB: idle and peak RSS)
// dotnet run -c Release --project tests/Tally.Benchmarks -- memory-hostile  (64 hostile compressed bodies at once: idle and peak RSS)
// dotnet run -c Release --project tests/Tally.Benchmarks -- pipeline   (jobs/s end to end: Azurite, a local origin, the host stand-in; then RQ on the same pages)
// dotnet run -c Release --project tests/Tally.Benchmarks -- batch      (URLs/s for 100, 2,000, 10,000 URLs at 16 and 64: Durable Azure Storage backend on Azurite)
// dotnet run -c Release --project tests/Tally.Benchmarks -- host [--quick] [--rounds N] [--politeness defaults|off] [--direct]  (under the real Functions host, func on PATH: jobs/s, batch URLs/s, POST times, storage calls and CPU by process; politeness on and off)
if (args is ["memory", ..])
{
    await FetchMemory.RunAsync();
}
else if (args is ["memory-hostile", ..])
{
    await HostileFetchMemory.RunAsync();
}
else if (args is ["pipeline", ..])
{
    await PipelineThroughput.RunAsync();
}
else if (args is ["host", ..])
{
    await Tally.Benchmarks.Host.HostThroughput.RunAsync(args[1..]);
}
else if (args is ["host-origin", var pages])
{
    await Tally.Benchmarks.Host.PagesOrigin.ServeAsync(int.Parse(pages, System.Globalization.CultureInfo.InvariantCulture));
}
else if (args is ["batch", ..])
{
    await BatchThroughput.RunAsync(args[1..]);
}
else if (args is ["counting", ..])
{
    _ = Tally.Benchmarks.Corpus.Corpus.Directory; // generated once, before BenchmarkDotNet starts its processes
    Console.WriteLine($"Vector width: UTF-8 {Tally.Counting.Utf8WordCounter.PreferredVectorBits} bits, text {Tally.Counting.TextWordCounter.PreferredVectorBits} bits "
        + "(DOTNET_PreferredVectorBitWidth=256 or DOTNET_EnableAVX2=0 to measure narrower ones)");
    BenchmarkRunner.Run<CountingBenchmarks>(args: args[1..]);
    Tally.Benchmarks.Corpus.WordCount.Run();
}
else if (args is ["wc", ..])
{
    Tally.Benchmarks.Corpus.WordCount.Run();
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(CountingBenchmarks).Assembly).Run(args);
}
