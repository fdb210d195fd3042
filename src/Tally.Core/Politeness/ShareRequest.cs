namespace Tally.Politeness;

/// <summary>What an instance asks of an origin's shared row.</summary>
/// <param name="Limit">The origin's concurrency limit.</param>
/// <param name="Window">The instance's adaptive window, at most the limit.</param>
/// <param name="Want">The slots it wants: its fetches in flight and waiting, at most the window.</param>
/// <param name="InUse">Its fetches in flight.</param>
/// <param name="Pause">A pause it learnt of, to publish.</param>
public sealed record ShareRequest(int Limit, int Window, int Want, int InUse, OriginPause? Pause);
