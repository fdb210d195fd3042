using System.Text.Json;

namespace Tally.Callbacks;

/// <summary>The body of every call: <c>{"type", "timestamp", "data"}</c>, where <c>data</c> is the resource as <c>GET</c> answers it.</summary>
public static class CallbackEnvelope
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The UTF-8 JSON of an event of <paramref name="type"/> that happened at <paramref name="timestamp"/>.</summary>
    public static byte[] Serialize<T>(string type, DateTimeOffset timestamp, T data) =>
        JsonSerializer.SerializeToUtf8Bytes(new Envelope<T>(type, timestamp, data), Json);

    private sealed record Envelope<T>(string Type, DateTimeOffset Timestamp, T Data);
}

/// <summary>A request's completion, as a <c>request.completed</c> call carries it.</summary>
/// <param name="Id">The request's key: the first 28 digits of each of its job ids.</param>
/// <param name="Jobs">Every job of the request, with its final status.</param>
public sealed record RequestCompletion(string Id, IReadOnlyList<JobOutcome> Jobs);

/// <summary>A job's id and final status.</summary>
public sealed record JobOutcome(string Id, string Status);

/// <summary>What a batch's end hands the callback activity: everything the call says, known to the orchestration.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="CallbackUrl">Where the call goes.</param>
/// <param name="Status"><c>completed</c>, <c>failed</c> or <c>terminated</c>.</param>
/// <param name="Total">How many URLs the batch has.</param>
/// <param name="Done">How many were counted or failed.</param>
/// <param name="Failed">Of those, how many failed.</param>
/// <param name="TotalWords">Words counted, once completed.</param>
/// <param name="Error">Why it failed or was terminated.</param>
/// <param name="At">When it ended.</param>
public sealed record BatchEnd(string BatchId, string CallbackUrl, string Status, int Total, int Done, int Failed, long TotalWords, string? Error, DateTimeOffset At);
