using System.Diagnostics.Metrics;

namespace Tally.Telemetry;

/// <summary>Tally's counters: jobs finished by outcome, words counted and bytes fetched.</summary>
public sealed class TallyMetrics
{
    /// <summary>The meter's name, to subscribe an exporter to.</summary>
    public const string MeterName = "Tally";

    private readonly Counter<long> _jobsFinished;
    private readonly Counter<long> _words;
    private readonly Counter<long> _bytes;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public TallyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _jobsFinished = meter.CreateCounter<long>("tally.jobs.finished", "{job}", "Jobs that reached a final state, by outcome.");
        _words = meter.CreateCounter<long>("tally.words.counted", "{word}", "Words counted in fetched pages.");
        _bytes = meter.CreateCounter<long>("tally.bytes.fetched", "By", "Body bytes read from fetched pages.");
    }

    /// <summary>Records a job that reached <paramref name="outcome"/>.</summary>
    public void JobFinished(string outcome) => _jobsFinished.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Records a page that was fetched and counted.</summary>
    public void PageCounted(long words, long bytes)
    {
        _words.Add(words);
        _bytes.Add(bytes);
    }
}
