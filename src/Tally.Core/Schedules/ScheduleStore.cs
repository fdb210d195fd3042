using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Tally.Jobs;

namespace Tally.Schedules;

/// <summary>
/// Schedules and their runs in storage: table <c>TallySchedules</c> (a row a schedule), table <c>TallyScheduleRuns</c>
/// (a row an occurrence, see <see cref="ScheduleRunEntity"/>), and each definition's URLs in container
/// <c>tally-schedules</c> (<c>{name}/{version}.txt</c>, a URL a line), which a run reads when it creates its work.
/// </summary>
public sealed class ScheduleStore(TableServiceClient tables, BlobServiceClient blobs)
{
    /// <summary>The schedules table.</summary>
    public const string TableName = "TallySchedules";

    /// <summary>The runs table.</summary>
    public const string RunsTableName = "TallyScheduleRuns";

    /// <summary>The container of URL lists.</summary>
    public const string ContainerName = "tally-schedules";

    private readonly TableClient _schedules = tables.GetTableClient(TableName);
    private readonly TableClient _runs = tables.GetTableClient(RunsTableName);
    private readonly BlobContainerClient _urls = blobs.GetBlobContainerClient(ContainerName);
    private readonly Once _created = new();

    /// <summary>A schedule, or null when there is none.</summary>
    public async Task<ScheduleEntity?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        var found = await _schedules.GetEntityIfExistsAsync<ScheduleEntity>(ScheduleEntity.Partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Schedules by name after <paramref name="after"/>, at most <paramref name="limit"/>, and whether more follow.</summary>
    public async Task<(IReadOnlyList<ScheduleEntity> Schedules, bool More)> ListAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {ScheduleEntity.Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {ScheduleEntity.Partition} and RowKey gt {after}");
        var page = await _schedules.QueryAsync<ScheduleEntity>(filter, maxPerPage: Math.Min(limit + 1, 1000), cancellationToken: cancellationToken)
            .Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return page.Count > limit ? (page.GetRange(0, limit), true) : (page, false);
    }

    /// <summary>Inserts a new schedule; false when one of that name exists.</summary>
    public async Task<bool> AddAsync(ScheduleEntity schedule, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            schedule.ETag = (await _schedules.AddEntityAsync(schedule, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Saves a schedule as read (by ETag); false when it changed or went meanwhile.</summary>
    public async Task<bool> SaveAsync(ScheduleEntity schedule, CancellationToken cancellationToken)
    {
        try
        {
            schedule.ETag = (await _schedules.UpdateEntityAsync(schedule, schedule.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Deletes a schedule, its runs and its URL lists; false when there was no schedule.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _schedules.DeleteEntityAsync(ScheduleEntity.Partition, name, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }

        // What is left after this is never read again (a new schedule of that name has another incarnation); it is removed now to leave no litter.
        var runs = await _runs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {name}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in runs.Chunk(JobTable.TransactionSize))
        {
            await _runs.SubmitTransactionAsync(chunk.Select(run => new TableTransactionAction(TableTransactionActionType.Delete, run, ETag.All)), cancellationToken).ConfigureAwait(false);
        }

        await foreach (var blob in _urls.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{name}/" }, cancellationToken).ConfigureAwait(false))
        {
            await _urls.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Writes a definition's URLs to a blob of their own, and returns its name.</summary>
    public async Task<string> WriteUrlsAsync(string name, IReadOnlyList<Uri> urls, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        var blob = $"{name}/{JobIds.NewKey(now)}.txt";
        await _urls.GetBlobClient(blob).UploadAsync(BinaryData.FromString(string.Join('\n', urls.Select(url => url.AbsoluteUri))), overwrite: true, cancellationToken).ConfigureAwait(false);
        return blob;
    }

    /// <summary>The URLs a run counts.</summary>
    public async Task<IReadOnlyList<Uri>> ReadUrlsAsync(string blob, CancellationToken cancellationToken)
    {
        var content = await _urls.GetBlobClient(blob).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return [.. Encoding.UTF8.GetString(content.Value.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(url => new Uri(url))];
    }

    /// <summary>Inserts an occurrence's run: true when this call took it, false when another fire had (the run as stored is then read).</summary>
    public async Task<(ScheduleRunEntity Run, bool Taken)> TakeAsync(ScheduleRunEntity run, CancellationToken cancellationToken)
    {
        try
        {
            run.ETag = (await _runs.AddEntityAsync(run, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
            return (run, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await _runs.GetEntityAsync<ScheduleRunEntity>(run.PartitionKey, run.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (stored.Value, false);
        }
    }

    /// <summary>
    /// Takes over a pending run whose lease has passed, by its ETag, renewing the lease: of two fires that found it left,
    /// only one finishes it (a batch started twice at once under one id is not a no-op as a repeated enqueue is).
    /// </summary>
    public async Task<bool> TakeOverAsync(ScheduleRunEntity run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        run.StartedAt = now;
        try
        {
            run.ETag = (await _runs.UpdateEntityAsync(run, run.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    /// <summary>Records that a pending run's work was created. Unconditional: every fire that finishes it creates the same.</summary>
    public async Task MarkCreatedAsync(ScheduleRunEntity run, CancellationToken cancellationToken)
    {
        run.Status = ScheduleRunStatus.Created;
        run.ETag = (await _runs.UpdateEntityAsync(run, ETag.All, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
    }

    /// <summary>A schedule's most recent runs, newest first.</summary>
    public async Task<IReadOnlyList<ScheduleRunEntity>> RecentRunsAsync(ScheduleEntity schedule, int count, CancellationToken cancellationToken) =>
        await _runs.QueryAsync<ScheduleRunEntity>(Incarnation(schedule), maxPerPage: count, cancellationToken: cancellationToken).Take(count).ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>A schedule's runs still pending.</summary>
    public async Task<IReadOnlyList<ScheduleRunEntity>> PendingRunsAsync(ScheduleEntity schedule, CancellationToken cancellationToken)
    {
        var filter = $"{Incarnation(schedule)} and {TableClient.CreateQueryFilter($"Status eq {ScheduleRunStatus.Pending}")}";
        return await _runs.QueryAsync<ScheduleRunEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The rows of a schedule's current incarnation: a key range, read newest first.</summary>
    private static string Incarnation(ScheduleEntity schedule) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {schedule.Name} and RowKey gt {schedule.Incarnation + "-"} and RowKey lt {schedule.Incarnation + "."}");

    private Task EnsureAsync(CancellationToken cancellationToken) => _created.RunAsync(
        async ct =>
        {
            await _schedules.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            await _runs.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            await _urls.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        },
        cancellationToken);
}
