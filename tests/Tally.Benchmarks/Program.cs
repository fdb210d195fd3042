using BenchmarkDotNet.Running;
using Tally.Benchmarks;

// dotnet run -c Release --project tests/Tally.Benchmarks -- counting   (BenchmarkDotNet: MB/s and allocations)
// dotnet run -c Release --project tests/Tally.Benchmarks -- memory     (fetch-and-count of 64 MiB: idle and peak RSS)
// dotnet run -c Release --project tests/Tally.Benchmarks -- batch      (URLs per second, 1,000-URL batch, in-process Durable host)
if (args is ["memory", ..])
{
    await FetchMemory.RunAsync();
}
else if (args is ["batch", ..])
{
    await BatchThroughput.RunAsync();
}
else if (args is ["counting", ..])
{
    BenchmarkRunner.Run<CountingBenchmarks>(args: args[1..]);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(CountingBenchmarks).Assembly).Run(args);
}
