using System.Text.Json;
using Azure.Storage.Queues;
using Tally.Jobs;
using Tally.Time;

namespace Tally.Schedules;

/// <summary>
/// The messages that wake a schedule at its occurrences: queue <c>tally-schedule-ticks</c>, one message hidden until the
/// schedule's next occurrence (a week at most, see <see cref="QueueDelay"/>); the fire it wakes sends the next.
/// </summary>
public sealed class ScheduleTicks(QueueServiceClient queues, TimeProvider time)
{
    /// <summary>The queue.</summary>
    public const string QueueName = "tally-schedule-ticks";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly QueueClient _queue = queues.GetQueueClient(QueueName);
    private readonly Once _created = new();

    /// <summary>Sends the tick for <paramref name="name"/>'s occurrence at <paramref name="dueAt"/>, hidden until then.</summary>
    public async Task SendAsync(string name, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _queue.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        var delay = QueueDelay.Until(dueAt, time.GetUtcNow());
        await _queue.SendMessageAsync(JsonSerializer.Serialize(new ScheduleTick(name, dueAt), Json), delay, QueueDelay.NeverExpires, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a tick's text; null when it is not one.</summary>
    public static ScheduleTick? Parse(string? text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null
                : JsonSerializer.Deserialize<ScheduleTick>(text, Json) is { } tick && ScheduleNames.IsValid(tick.Name) ? tick : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A tick: wake schedule <paramref name="Name"/> at <paramref name="DueAt"/>.</summary>
/// <param name="Name">The schedule.</param>
/// <param name="DueAt">The occurrence the tick was sent for.</param>
public sealed record ScheduleTick(string Name, DateTimeOffset DueAt);

/// <summary>What a schedule may be called: 1–64 characters of <c>[A-Za-z0-9_-]</c> (a table key and a URL segment as it is).</summary>
public static class ScheduleNames
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="name"/> is a valid schedule name.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") < 0;
}
