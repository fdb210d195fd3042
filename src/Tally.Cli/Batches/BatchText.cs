using System.Globalization;
using Tally.Client;
using Tally.Cli.Cli;

namespace Tally.Cli.Batches;

/// <summary>How a batch reads in a terminal: its status, progress and, once completed, its totals.</summary>
public static class BatchText
{
    /// <summary>Writes <paramref name="batch"/>, <c>name: value</c> a line.</summary>
    public static void WriteDetail(Batch batch)
    {
        Output.Line($"id: {batch.Id}");
        Output.Line($"status: {batch.Status}");
        Output.Line(string.Create(CultureInfo.InvariantCulture, $"progress: {batch.Progress.Done}/{batch.Progress.Total} done, {batch.Progress.Failed} failed"));
        Output.Line($"createdAt: {batch.CreatedAt.ToString("O", CultureInfo.InvariantCulture)}");
        if (batch.Result is { } result)
        {
            Output.Line(string.Create(CultureInfo.InvariantCulture, $"totalWords: {result.TotalWords}"));
            Output.Line(string.Create(CultureInfo.InvariantCulture, $"succeeded: {result.Succeeded}"));
            Output.Line(string.Create(CultureInfo.InvariantCulture, $"failed: {result.Failed}"));
        }

        if (batch.Error is not null)
        {
            Output.Line($"error: {Output.Safe(batch.Error)}");
        }
    }

    /// <summary>Whether a finished batch counted every page: completed, none failed.</summary>
    public static bool Succeeded(Batch batch) => batch.Status == "completed" && batch.Progress.Failed == 0;
}
