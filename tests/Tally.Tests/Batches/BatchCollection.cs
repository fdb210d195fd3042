using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>
/// The <see cref="BatchAppTests"/> classes share one Azurite and one origin of their own and run one test at a time, as
/// when they were one class: each test still starts its own <see cref="BatchApp"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BatchCollection : ICollectionFixture<Azurite>, ICollectionFixture<Origin>
{
    public const string Name = "batches";
}
