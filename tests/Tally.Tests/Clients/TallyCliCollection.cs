namespace Tally.Tests.Clients;

/// <summary>
/// The <see cref="TallyCliTests"/> classes share one <see cref="RunningApp"/> and run one test at a time, as when they
/// were one class: a test that holds the worker holds it for no other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TallyCliCollection : ICollectionFixture<RunningApp>
{
    public const string Name = "tally-cli";
}
