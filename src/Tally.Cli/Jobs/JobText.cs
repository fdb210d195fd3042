using System.Globalization;
using Tally.Client;
using Tally.Cli.Cli;

namespace Tally.Cli.Jobs;

/// <summary>How a job reads in a terminal: one line in a list, or its fields one a line.</summary>
public static class JobText
{
    /// <summary><c>{id}  {status}  {words}  {url}</c>, then the error if any; columns separated by two spaces.</summary>
    public static string Line(Job job) =>
        string.Create(CultureInfo.InvariantCulture, $"{job.Id}  {job.Status,-9}  {job.Words?.ToString(CultureInfo.InvariantCulture) ?? "-",8}  {Output.Safe(job.Url)}")
        + (job.Error is null ? string.Empty : $"  {Output.Safe(job.Error)}");

    /// <summary>Writes every field of <paramref name="job"/> that has a value, <c>name: value</c> a line.</summary>
    public static void WriteDetail(Job job)
    {
        Field("id", job.Id);
        Field("requestId", job.RequestId);
        Field("url", job.Url);
        Field("status", job.Status);
        Field("words", job.Words);
        Field("bytes", job.Bytes);
        Field("contentType", job.ContentType);
        Field("httpStatus", job.HttpStatus);
        Field("attempts", job.Attempts);
        Field("error", job.Error);
        Field("runAt", job.RunAt);
        Field("enqueuedAt", job.EnqueuedAt);
        Field("startedAt", job.StartedAt);
        Field("finishedAt", job.FinishedAt);
        Field("expiresAt", job.ExpiresAt);
    }

    private static void Field(string name, object? value)
    {
        if (value is not null)
        {
            Output.Line($"{name}: {Output.Safe(value is DateTimeOffset at ? at.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture))}");
        }
    }
}
