namespace Tally.Tests.Infrastructure;

/// <summary>Tests that share one Azurite and one origin run one at a time, as they share the job queue.</summary>
[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<Azurite>, ICollectionFixture<Origin>
{
    public const string Name = "storage";
}
