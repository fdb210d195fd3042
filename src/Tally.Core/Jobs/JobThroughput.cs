using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tally.Hosting;

namespace Tally.Jobs;

/// <summary>
/// Jobs finished, words counted and bytes fetched, minute by minute, for the dashboard's chart: table
/// <c>TallyThroughput</c>, one partition a minute, one row per worker instance. Each instance adds up its own
/// minutes in memory and writes them every few seconds, so a finished job costs no storage call of its own and
/// no two instances ever write the same row.
/// </summary>
/// <remarks>
/// Figures are approximate by design: what an instance counted since its last write is lost if it dies, and a
/// minute reaches the table up to <see cref="FlushInterval"/> after it happened.
/// </remarks>
public sealed class JobThroughput(TableServiceClient tables, TimeProvider time)
{
    /// <summary>The table.</summary>
    public const string TableName = "TallyThroughput";

    /// <summary>How often an instance writes what it counted.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long minutes are kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(2);

    private const string MinuteFormat = "yyyyMMddHHmm";

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private readonly Once _created = new();
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Minute> _minutes = [];

    /// <summary>Counts a job that reached a final state (and, when it succeeded, its page).</summary>
    public void JobFinished(string outcome, long words = 0, long bytes = 0)
    {
        var key = time.GetUtcNow().ToString(MinuteFormat, CultureInfo.InvariantCulture);
        lock (_gate)
        {
            var minute = _minutes.TryGetValue(key, out var m) ? m : _minutes[key] = new Minute();
            if (outcome == JobStatus.Succeeded.ToName())
            {
                minute.Succeeded++;
            }
            else
            {
                minute.Failed++;
            }

            minute.Words += words;
            minute.Bytes += bytes;
            minute.Version++;
        }
    }

    /// <summary>Writes the minutes counted since the last write, and forgets the ones that are over.</summary>
    /// <remarks>A minute counts as written only once its write succeeds: a failed write is tried again next time.</remarks>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        List<(Minute Minute, long Version, TableEntity Row)> pending;
        lock (_gate)
        {
            pending = [.. _minutes.Where(m => m.Value.Version != m.Value.Written).Select(m => (m.Value, m.Value.Version, m.Value.ToEntity(m.Key, _instance)))];
        }

        if (pending.Count == 0)
        {
            return;
        }

        await _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken).ConfigureAwait(false);

        // The instance owns its row: a replace of its running totals is idempotent, and needs no read.
        await Task.WhenAll(pending.Select(p => _table.UpsertEntityAsync(p.Row, TableUpdateMode.Replace, cancellationToken))).ConfigureAwait(false);

        var current = time.GetUtcNow().ToString(MinuteFormat, CultureInfo.InvariantCulture);
        lock (_gate)
        {
            foreach (var (minute, version, _) in pending)
            {
                minute.Written = Math.Max(minute.Written, version);
            }

            foreach (var key in _minutes.Where(m => m.Value.Version == m.Value.Written && string.CompareOrdinal(m.Key, current) < 0).Select(m => m.Key).ToList())
            {
                _minutes.Remove(key);
            }
        }
    }

    /// <summary>The last <paramref name="minutes"/> minutes, oldest first, every instance added up; minutes with nothing are zeros.</summary>
    public async Task<IReadOnlyList<MinuteTotals>> ReadAsync(int minutes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var first = Truncate(now).AddMinutes(1 - minutes);
        var totals = Enumerable.Range(0, minutes).Select(i => new MinuteTotals(first.AddMinutes(i), 0, 0, 0, 0)).ToArray();
        await _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {first.ToString(MinuteFormat, CultureInfo.InvariantCulture)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var at = DateTimeOffset.ParseExact(row.PartitionKey, MinuteFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var i = (int)(at - first).TotalMinutes;
            if (i is >= 0 && i < minutes)
            {
                var t = totals[i];
                totals[i] = t with
                {
                    Succeeded = t.Succeeded + (row.GetInt64(nameof(Minute.Succeeded)) ?? 0),
                    Failed = t.Failed + (row.GetInt64(nameof(Minute.Failed)) ?? 0),
                    Words = t.Words + (row.GetInt64(nameof(Minute.Words)) ?? 0),
                    Bytes = t.Bytes + (row.GetInt64(nameof(Minute.Bytes)) ?? 0),
                };
            }
        }

        return totals;
    }

    /// <summary>Deletes the minutes older than <see cref="Retention"/>, reading only them.</summary>
    public Task<int> PurgeAsync(CancellationToken cancellationToken) =>
        RowSweep.DeleteAsync(_table, TableClient.CreateQueryFilter($"PartitionKey lt {(time.GetUtcNow() - Retention).ToString(MinuteFormat, CultureInfo.InvariantCulture)}"), cancellationToken);

    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Year, time.Month, time.Day, time.Hour, time.Minute, 0, TimeSpan.Zero);

    private sealed class Minute
    {
        public long Succeeded;
        public long Failed;
        public long Words;
        public long Bytes;
        public long Version;  // changes counted
        public long Written;  // the version last written

        public TableEntity ToEntity(string minute, string instance) => new(minute, instance)
        {
            [nameof(Succeeded)] = Succeeded,
            [nameof(Failed)] = Failed,
            [nameof(Words)] = Words,
            [nameof(Bytes)] = Bytes,
        };
    }
}

/// <summary>One minute's totals across every instance.</summary>
/// <param name="Minute">The minute's start (UTC).</param>
/// <param name="Succeeded">Jobs that succeeded in it.</param>
/// <param name="Failed">Jobs that failed in it.</param>
/// <param name="Words">Words counted by those jobs.</param>
/// <param name="Bytes">Bytes fetched by those jobs.</param>
public sealed record MinuteTotals(DateTimeOffset Minute, long Succeeded, long Failed, long Words, long Bytes);

/// <summary>Writes <see cref="JobThroughput"/> every <see cref="JobThroughput.FlushInterval"/>, and once more on the way out.</summary>
public sealed partial class JobThroughputWriter(JobThroughput throughput, TimeProvider time, ILogger<JobThroughputWriter> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(JobThroughput.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await WriteAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await WriteAsync(last.Token).ConfigureAwait(false);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await throughput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageTrouble.IsOrCanceled(ex))
        {
            LogNotWritten(ex); // the totals stay in memory and go with the next write
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the throughput figures; they will be written next time")]
    private partial void LogNotWritten(Exception exception);
}
