using System.Text.Json;

namespace Tally.Jobs;

/// <summary>
/// The message on <c>tally-jobs</c>: just the job id, since the record holds the rest.
/// JSON, base64-encoded on the queue as the queue trigger expects by default.
/// </summary>
public sealed record JobMessage(string JobId)
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
            return JobIds.IsValid(message?.JobId) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
