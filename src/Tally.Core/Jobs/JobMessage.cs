using System.Text.Json;

namespace Tally.Jobs;

/// <summary>
/// A job a message on <c>tally-jobs</c> starts: the job id and the run, since the record holds the rest. A message
/// names one job (<c>{"jobId": …, "run": 1}</c>, as a retry sends it) or, for a request of many URLs, several of its
/// jobs (<c>{"jobs": [{"jobId": …, "run": 1}, …]}</c>, see <see cref="JobQueue.JobsPerMessage"/>).
/// JSON, base64-encoded on the queue as the queue trigger expects by default.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="Run">The job's run this message starts; a message of an earlier run is stale.</param>
/// <param name="RunAt">
/// A delayed job's due time: a message that arrives before it (a queue hides a message at most
/// <see cref="Time.QueueDelay.Max"/>) sends itself again for the time left.
/// </param>
public sealed record JobMessage(
    string JobId,
    int Run,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? RunAt = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The message's JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The text of a message that starts <paramref name="jobs"/>: the one-job form for one, the group form for more.</summary>
    public static string ToJson(IReadOnlyList<JobMessage> jobs) =>
        jobs.Count == 1 ? jobs[0].ToJson() : JsonSerializer.Serialize(new Group(jobs), Json);

    /// <summary>Reads a message's text, either form; null when it is not a job message (or names a job wrongly).</summary>
    public static IReadOnlyList<JobMessage>? ParseAll(string? text)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            using var json = JsonDocument.Parse(text);
            IReadOnlyList<JobMessage?> jobs = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("jobs", out var group)
                ? group.Deserialize<JobMessage?[]>(Json) ?? []
                : [json.RootElement.Deserialize<JobMessage>(Json)];
            return jobs.Count > 0 && jobs.All(job => JobIds.IsValid(job?.JobId) && job!.Run > 0) ? [.. jobs.Select(job => job!)] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Group(IReadOnlyList<JobMessage> Jobs);
}
