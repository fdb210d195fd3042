using System.Text.Json;

namespace Tally.Callbacks;

/// <summary>A message on <c>tally-callbacks</c>: make attempt <paramref name="Attempt"/> of round <paramref name="Round"/> of delivery <paramref name="Id"/>.</summary>
public sealed record DeliveryMessage(string Id, int Round, int Attempt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The message's JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a message's text; null when it is not a delivery message.</summary>
    public static DeliveryMessage? Parse(string? text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null
                : JsonSerializer.Deserialize<DeliveryMessage>(text, Json) is { Round: > 0, Attempt: > 0 } message && DeliveryIds.Split(message.Id) is not null ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
