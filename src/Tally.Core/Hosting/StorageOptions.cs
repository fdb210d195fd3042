using System.ComponentModel.DataAnnotations;

namespace Tally.Hosting;

/// <summary>How long Tally's storage clients wait on storage, bound from <c>Tally:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Storage";

    /// <summary>The longest one try of a storage call may wait for its answer; a try that fails is retried once.</summary>
    /// <remarks>
    /// The default keeps every API request within 10 seconds when storage hangs. Raise it only where storage is
    /// known to be slow rather than down (an emulator on a busy machine): a request then waits longer for a 503.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
