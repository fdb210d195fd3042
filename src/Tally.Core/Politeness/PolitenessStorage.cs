using Azure.Data.Tables;
using Microsoft.Extensions.Azure;

namespace Tally.Politeness;

/// <summary>
/// The table client politeness keeps its rows with (origin shares, validators): the same account and settings as the
/// app's, as a client of its own, so its calls (a share renewed in the background, an origin's first lookup) stay out
/// of the job path's pipeline: counted, and failed on purpose in tests, apart from it.
/// </summary>
public sealed class PolitenessStorage(IAzureClientFactory<TableServiceClient> clients)
{
    /// <summary>The client's name among the app's Azure clients.</summary>
    public const string ClientName = "Politeness";

    /// <summary>The client.</summary>
    public TableServiceClient Tables { get; } = clients.CreateClient(ClientName);
}
