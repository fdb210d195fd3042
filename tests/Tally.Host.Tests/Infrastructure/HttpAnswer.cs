using System.Net.Http.Headers;
using System.Text.Json;

namespace Tally.Host.Tests.Infrastructure;

/// <summary>An answer from Tally as a client sees it: status, headers, media type and JSON body.</summary>
public sealed record HttpAnswer(int Status, HttpResponseHeaders Headers, string? MediaType, JsonElement Body, string Raw)
{
    public string? Location => Headers.Location?.OriginalString;

    /// <summary>A string property of the body.</summary>
    public string? Text(string name) => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static async Task<HttpAnswer> ReadAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (raw.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json") == true)
        {
            body = JsonDocument.Parse(raw).RootElement.Clone();
        }

        return new HttpAnswer((int)response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, body, raw);
    }

    public override string ToString() => $"{Status} {MediaType}: {Raw}";
}
