namespace Tally.Callbacks;

/// <summary>Where to call when the work asked for is final, as a request gave it.</summary>
/// <param name="Url">The <c>callbackUrl</c>, checked like a fetched URL.</param>
/// <param name="Mode">For jobs, <see cref="CallbackModes.Job"/> or <see cref="CallbackModes.Request"/>.</param>
public sealed record CallbackTarget(Uri Url, string Mode);
