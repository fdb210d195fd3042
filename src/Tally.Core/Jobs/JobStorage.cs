namespace Tally.Jobs;

/// <summary>The names of the queues and table jobs live in; the function bindings use the same constants.</summary>
public static class JobStorage
{
    /// <summary>The queue job messages go on.</summary>
    public const string QueueName = "tally-jobs";

    /// <summary>Where the Functions host moves a message after its last failed attempt.</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    /// <summary>The table job records live in.</summary>
    public const string TableName = "TallyJobs";

    /// <summary>The connection (configuration prefix) the bindings and clients use.</summary>
    public const string Connection = "AzureWebJobsStorage";
}
