namespace Tally.Politeness;

/// <summary>
/// A fetch did not go out because its origin asked Tally to wait (a <c>429</c> or <c>503</c> with <c>Retry-After</c>), or
/// its limits would hold it longer than a fetch may wait: the work is put off until <see cref="Until"/>, and this does
/// not count as a failed attempt.
/// </summary>
/// <param name="origin">The origin.</param>
/// <param name="until">When to try again.</param>
/// <param name="reason">Why, for a person to read.</param>
public sealed class OriginPausedException(string origin, DateTimeOffset until, string reason)
    : Exception($"{origin} is paused until {until:u}: {reason}.")
{
    /// <summary>The shortest a piece of work is put off: a queue message's visibility is in whole seconds.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    /// <summary>The origin.</summary>
    public string Origin { get; } = origin;

    /// <summary>When to try again.</summary>
    public DateTimeOffset Until { get; } = until;

    /// <summary>How long from now the pause lasts, in real time (the origin's, not the app's clock).</summary>
    public TimeSpan Remaining => Until - TimeProvider.System.GetUtcNow();
}
