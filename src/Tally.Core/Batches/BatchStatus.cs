using Microsoft.DurableTask.Client;

namespace Tally.Batches;

/// <summary>Where a batch is in its life: pending → running → completed, failed or terminated.</summary>
public enum BatchStatus
{
    /// <summary>Started, not yet run.</summary>
    Pending,

    /// <summary>Its slices are running (also while it is suspended or continuing as new).</summary>
    Running,

    /// <summary>Every URL was fetched or recorded as failed; the result is kept.</summary>
    Completed,

    /// <summary>The batch itself failed (its storage, not its pages); <c>error</c> says why.</summary>
    Failed,

    /// <summary>Terminated by <c>DELETE /api/batches/{id}</c>.</summary>
    Terminated,
}

/// <summary>The names batch statuses have on the wire, and the Durable runtime statuses they stand for.</summary>
public static class BatchStatusNames
{
    /// <summary>The names, in the order of the statuses: what <c>?status=</c> accepts.</summary>
    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<BatchStatus>().Select(ToName)];

    /// <summary>The lower-case name of <paramref name="status"/>.</summary>
    public static string ToName(this BatchStatus status) => status switch
    {
        BatchStatus.Pending => "pending",
        BatchStatus.Running => "running",
        BatchStatus.Completed => "completed",
        BatchStatus.Failed => "failed",
        BatchStatus.Terminated => "terminated",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a batch status."),
    };

    /// <summary>Parses a lower-case status name.</summary>
    public static bool TryParse(string? name, out BatchStatus status)
    {
        foreach (var candidate in Enum.GetValues<BatchStatus>())
        {
            if (candidate.ToName() == name)
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>The batch status of an orchestration's runtime status: any other than the five (suspended, continued as new) reads as running.</summary>
    public static BatchStatus Of(OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Pending => BatchStatus.Pending,
        OrchestrationRuntimeStatus.Completed => BatchStatus.Completed,
        OrchestrationRuntimeStatus.Failed => BatchStatus.Failed,
        OrchestrationRuntimeStatus.Terminated => BatchStatus.Terminated,
        _ => BatchStatus.Running,
    };

    /// <summary>The runtime status a listing of <paramref name="status"/> asks the task hub for.</summary>
    public static OrchestrationRuntimeStatus ToRuntime(this BatchStatus status) => status switch
    {
        BatchStatus.Pending => OrchestrationRuntimeStatus.Pending,
        BatchStatus.Running => OrchestrationRuntimeStatus.Running,
        BatchStatus.Completed => OrchestrationRuntimeStatus.Completed,
        BatchStatus.Failed => OrchestrationRuntimeStatus.Failed,
        BatchStatus.Terminated => OrchestrationRuntimeStatus.Terminated,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a batch status."),
    };

    /// <summary>Whether a batch in <paramref name="status"/> will never change again.</summary>
    public static bool IsFinal(this BatchStatus status) => status is BatchStatus.Completed or BatchStatus.Failed or BatchStatus.Terminated;
}
