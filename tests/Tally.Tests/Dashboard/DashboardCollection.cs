namespace Tally.Tests.Dashboard;

/// <summary>
/// The <see cref="DashboardBrowserTests"/> classes share one <see cref="DashboardFixture"/> (one Azurite, one origin, one
/// Chromium) and run one test at a time, as when they were one class: each test empties the job tables the overview counts.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
