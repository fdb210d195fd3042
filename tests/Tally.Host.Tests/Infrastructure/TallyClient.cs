using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Host.Tests.Infrastructure;

/// <summary>Tally's HTTP API, called as a user calls it, with waits on a job's or batch's state that have deadlines.</summary>
public sealed class TallyClient(HttpClient http)
{
    /// <summary>How long a job or batch may take to reach a state on a busy machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public Task<HttpAnswer> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<HttpAnswer> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body));

    public Task<HttpAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpAnswer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public async Task<HttpAnswer> SendAsync(HttpMethod method, string path, string? json = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return await HttpAnswer.ReadAsync(response);
    }

    /// <summary>Enqueues one URL and returns the job's id.</summary>
    public async Task<string> EnqueueAsync(Uri url)
    {
        var accepted = await PostAsync("api/jobs", new { url });
        Assert.True(accepted.Status == 202, $"POST /api/jobs answered {accepted}");
        return accepted.Text("id")!;
    }

    /// <summary>Reads a job until its status is <paramref name="status"/>.</summary>
    public Task<HttpAnswer> WaitForJobAsync(string id, string status) =>
        Eventually.GetAsync(() => GetAsync($"api/jobs/{id}"), job => job.Status == 200 && job.Text("status") == status, Patience, $"job {id} to be {status}");

    /// <summary>Reads a job until it is finished (succeeded, failed or canceled).</summary>
    public Task<HttpAnswer> WaitForFinishedAsync(string id) =>
        Eventually.GetAsync(() => GetAsync($"api/jobs/{id}"), job => job.Text("status") is "succeeded" or "failed" or "canceled", Patience, $"job {id} to finish");

    /// <summary>Reads a batch until <paramref name="done"/> holds.</summary>
    public Task<HttpAnswer> WaitForBatchAsync(string id, Func<HttpAnswer, bool> done, string what) =>
        Eventually.GetAsync(() => GetAsync($"api/batches/{id}"), done, Patience, what);
}
