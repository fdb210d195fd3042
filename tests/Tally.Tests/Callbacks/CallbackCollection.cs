using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>
/// The callback tests share an Azurite, an origin and a receiver of their own, one test at a time: the jobs they finish
/// (and fail) stay out of the listings and counts the storage collection's tests make.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CallbackCollection : ICollectionFixture<Azurite>, ICollectionFixture<Origin>, ICollectionFixture<Receiver>
{
    public const string Name = "callbacks";
}
