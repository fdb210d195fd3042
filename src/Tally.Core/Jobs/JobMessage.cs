using System.Text.Json;

namespace Tally.Jobs;

/// <summary>
/// The message on <c>tally-jobs</c>: the job id and the run it starts, since the record holds the rest.
/// JSON, base64-encoded on the queue as the queue trigger expects by default.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="Run">The job's run this message starts; a message of an earlier run is stale.</param>
public sealed record JobMessage(string JobId, int Run)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The message's JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a message's text; null when it is not a job message.</summary>
    public static JobMessage? Parse(string? text)
    {
        try
        {
            var message = string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<JobMessage>(text, Json);
            return JobIds.IsValid(message?.JobId) && message!.Run > 0 ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
