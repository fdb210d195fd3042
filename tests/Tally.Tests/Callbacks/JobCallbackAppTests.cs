using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>A <see cref="CallbackAppTests"/> class whose tests post one job with a callback at a time.</summary>
public abstract class JobCallbackAppTests(Azurite azurite, Receiver receiver) : CallbackAppTests(azurite, receiver)
{
    /// <summary>A job request for <paramref name="url"/> that calls back <paramref name="callbackUrl"/>.</summary>
    protected static string Body(Uri url, Uri callbackUrl) => JsonSerializer.Serialize(new { url, callbackUrl });
}
