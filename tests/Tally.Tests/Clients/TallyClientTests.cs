using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tally.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary><see cref="TallyClient"/> against the running app (HTTP on a real port, Azurite, a real origin): every route, paging, waiting, problems.</summary>
public sealed class TallyClientTests(RunningApp app) : IClassFixture<RunningApp>, IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddTallyClient(app.BaseAddress, FunctionsServer.Key).Services.BuildServiceProvider();

    private TallyClient Tally => _services.GetRequiredService<TallyClient>();

    private Origin Origin => app.Origin;

    [Fact]
    public async Task EnqueueAndWait_ReturnsTheCountedJob()
    {
        var job = await Tally.EnqueueAsync(Origin.Page("one two three").ToString());
        var done = await Tally.WaitAsync(job);

        Assert.Equal(JobStatuses.Succeeded, done.Status);
        Assert.Equal(3, done.Words);
        Assert.Equal(job.Id[..28], done.RequestId);
    }

    [Fact]
    public async Task WaitForARequest_ReportsProgress_UntilEveryJobHasFinished()
    {
        var progress = new Reports<JobsProgress>();
        var request = await Tally.EnqueueAsync([Origin.Page("a b").ToString(), Origin.Status(404).ToString(), Origin.Page("c").ToString()]);

        var jobs = await Tally.WaitAsync(request, progress);

        Assert.Equal([JobStatuses.Succeeded, JobStatuses.Failed, JobStatuses.Succeeded], jobs.Select(j => j.Status));
        Assert.Equal(new JobsProgress(3, 3, 1), progress.Last);
        Assert.All(progress.All, p => Assert.Equal(3, p.Total));
    }

    [Fact]
    public async Task Listings_FollowContinuations_AcrossPages()
    {
        var host = $"t{Guid.NewGuid():N}.example";
        await app.HoldWorkerAsync();
        try
        {
            var request = await Tally.EnqueueAsync([.. Enumerable.Range(0, 7).Select(i => $"http://{host}/{i}")]);

            var byRequest = await ToListAsync(Tally.ListRequestJobsAsync(request.RequestId, pageSize: 2));
            var byOrigin = await ToListAsync(Tally.ListJobsAsync(JobStatuses.Queued, origin: host, pageSize: 3));

            Assert.Equal(request.Jobs.Select(j => j.Id), byRequest.Select(j => j.Id)); // four pages, in order
            Assert.Equal(request.Jobs.Select(j => j.Id).Order(), byOrigin.Select(j => j.Id).Order());
            Assert.Equal(7, (await Tally.CancelJobsAsync(JobFilter.ForRequest(request.RequestId))).Changed);
        }
        finally
        {
            app.HoldWorker = false;
        }
    }

    [Fact]
    public async Task CancelThenRetry_OneJob_AndAConflictIsATallyException()
    {
        await app.HoldWorkerAsync();
        Job canceled;
        Job retried;
        try
        {
            var job = await Tally.EnqueueAsync(Origin.Page("four words right here").ToString());
            canceled = await Tally.CancelJobAsync(job.Id);
            retried = await Tally.RetryJobAsync(job.Id);
        }
        finally
        {
            app.HoldWorker = false;
        }

        var done = await Tally.WaitAsync(retried);
        var conflict = await Assert.ThrowsAsync<TallyException>(() => Tally.CancelJobAsync(done.Id));

        Assert.Equal(JobStatuses.Canceled, canceled.Status);
        Assert.Equal(JobStatuses.Queued, retried.Status);
        Assert.Equal(4, done.Words);
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Contains("is succeeded", conflict.Detail);
    }

    [Fact]
    public async Task BulkRetryOfARequest_CountedFirst_RequeuesItsFailedJobs_WhichThenSucceed()
    {
        var request = await Tally.EnqueueAsync([Origin.Flaky(1, 404, "second time lucky").ToString(), Origin.Page("fine").ToString(), Origin.Flaky(1, 404, "me too").ToString()]);
        var first = await Tally.WaitAsync(request);

        var counted = await Tally.CountRetryAsync(JobFilter.ForRequest(request.RequestId));
        var outcome = await Tally.RetryJobsAsync(JobFilter.ForRequest(request.RequestId));
        var second = await Tally.WaitAsync(request);

        Assert.Equal(2, first.Count(j => j.Status == JobStatuses.Failed));
        Assert.Equal(new BulkOutcome(2, 0), counted); // counted, none changed
        Assert.Equal(new BulkOutcome(2, 2), outcome);
        Assert.All(second, j => Assert.Equal(JobStatuses.Succeeded, j.Status));
    }

    [Fact]
    public async Task Batch_StartWaitReadPagesAndList()
    {
        var progress = new Reports<BatchProgress>();
        string[] urls = [Origin.Page("one").ToString(), Origin.Status(404).ToString(), Origin.Page("two two").ToString()];

        var started = await Tally.StartBatchAsync(urls, maxParallelism: 2);
        var batch = await Tally.WaitAsync(started, progress);
        var pages = await ToListAsync(Tally.GetBatchPagesAsync(started.Id, pageSize: 2));
        var listed = await ToListAsync(Tally.ListBatchesAsync(pageSize: 1));
        var terminate = await Assert.ThrowsAsync<TallyException>(() => Tally.TerminateBatchAsync(started.Id));

        Assert.Equal("completed", batch.Status);
        Assert.Equal(new BatchProgress(3, 3, 1), progress.Last);
        Assert.Equal(3, batch.Result!.TotalWords);
        Assert.Equal(urls, pages.Select(p => p.Url)); // two calls, in the order given
        Assert.Contains(listed, b => b.Id == started.Id);
        Assert.Equal(HttpStatusCode.Conflict, terminate.Status);
    }

    [Fact]
    public async Task WaitAsync_StopsWhenCanceled_AndTheJobGoesOn()
    {
        await app.HoldWorkerAsync();
        try
        {
            var job = await Tally.EnqueueAsync(Origin.Page("still here").ToString());
            using var cancel = new CancellationTokenSource();
            var progress = new Reports<Job>(_ => cancel.Cancel()); // cancels once it has polled

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Tally.WaitAsync(job, progress, cancel.Token));

            Assert.Equal(JobStatuses.Queued, progress.Last!.Status);
            Assert.Equal(JobStatuses.Queued, (await Tally.GetJobAsync(job.Id)).Status);
        }
        finally
        {
            app.HoldWorker = false;
        }
    }

    [Fact]
    public async Task WaitAsync_WaitsOutStorageTrouble_AsRetryAfterAsks()
    {
        await app.HoldWorkerAsync();
        var job = await Tally.EnqueueAsync(Origin.Page("after the outage").ToString());
        app.App.Faults.FailWhen = request => request.Uri.Path.Contains("TallyJobs", StringComparison.Ordinal);
        var waiting = Tally.WaitAsync(job);
        try
        {
            await Eventually.GetAsync(() => Task.FromResult(app.App.Faults.Injected), n => n > 0, what: "a poll to meet the outage");
            var trouble = await Assert.ThrowsAsync<TallyException>(() => Tally.GetJobAsync(job.Id));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, trouble.Status);
            Assert.Equal(TimeSpan.FromSeconds(5), trouble.RetryAfter);
            Assert.False(waiting.IsCompleted);
        }
        finally
        {
            app.App.Faults.FailWhen = null;
            app.HoldWorker = false;
        }

        Assert.Equal(JobStatuses.Succeeded, (await waiting).Status);
    }

    [Fact]
    public async Task Problems_BecomeTallyExceptions_CarryingTheirFields()
    {
        var badUrl = await Assert.ThrowsAsync<TallyException>(() => Tally.EnqueueAsync(["https://example.com/", "ftp://example.com/x"]));
        var unknown = await Assert.ThrowsAsync<TallyException>(() => Tally.GetJobAsync("00000000000000000000000000000000"));
        var badFilter = await Assert.ThrowsAsync<TallyException>(() => Tally.RetryJobsAsync(JobFilter.ForStatus(JobStatuses.Succeeded)));
        using var keyless = new HttpClient { BaseAddress = app.BaseAddress };
        var noKey = await Assert.ThrowsAsync<TallyException>(() => new TallyClient(keyless).GetJobAsync("00000000000000000000000000000000"));

        Assert.Equal((HttpStatusCode.BadRequest, "Bad Request"), (badUrl.Status, badUrl.Title));
        Assert.Contains("ftp", Assert.Single(badUrl.Errors));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.StartsWith("There is no job", unknown.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.Status);
        Assert.Contains("function key", noKey.Message);
    }

    [Fact]
    public async Task HealthOverviewAndDocument_Answer()
    {
        await Tally.CheckHealthAsync();
        var overview = await Tally.GetOverviewAsync();
        using var document = await Tally.GetOpenApiDocumentAsync();

        Assert.Contains(JobStatuses.Succeeded, overview.Jobs.Keys);
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/jobs/actions/retry", out _));
    }

    public void Dispose() => _services.Dispose();

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Collects what a wait reports, as it reports it (not on a captured context, as <see cref="Progress{T}"/> would).</summary>
    private sealed class Reports<T>(Action<T>? then = null) : IProgress<T>
    {
        private readonly List<T> _all = [];

        public IReadOnlyList<T> All { get { lock (_all) { return [.. _all]; } } }

        public T? Last { get { lock (_all) { return _all.LastOrDefault(); } } }

        public void Report(T value)
        {
            lock (_all)
            {
                _all.Add(value);
            }

            then?.Invoke(value);
        }
    }
}
