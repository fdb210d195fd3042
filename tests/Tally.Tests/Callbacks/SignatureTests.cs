using System.Text;
using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>Real calls, verified by the README's Python receiver code (the standard library's <c>hmac</c>), independent of Tally's signer.</summary>
[Collection(CallbackCollection.Name)]
public sealed class SignatureTests(Azurite azurite, Origin origin, Receiver receiver) : CallbackAppTests(azurite, receiver)
{
    [Fact]
    public async Task ReadmePythonVerifier_AcceptsTallysCalls_AndRefusesTamperedBodiesStaleTimestampsAndOtherSecrets()
    {
        Set("Tally:Callbacks:PreviousSigningSecret", Receiver.PreviousSecret);
        var hook = Receiver.Failing(1);
        await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = new[] { origin.Page("a"), origin.Page("b b") }, callbackUrl = hook }));
        var calls = await CallsAsync(hook, 3); // two jobs, one call failed and retried
        var call = calls[0];
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(call.Body).Replace("\"words\":", "\"words\":1", StringComparison.Ordinal));
        var sentAt = long.Parse(call.Timestamp, System.Globalization.CultureInfo.InvariantCulture);

        var verdicts = await PythonVerifier.VerifyAsync([
            .. calls.Select(c => new PythonVerifier.Case(c, Receiver.Secret)),
            new(call, Receiver.PreviousSecret),
            new(call, Receiver.Secret, Body: tampered),
            new(call, Receiver.Secret, Now: sentAt + 301),
            new(call, Receiver.Secret, Now: sentAt - 301),
            new(call, "whsec_" + Convert.ToBase64String(new byte[32])),
        ]);

        Assert.Equal(Enumerable.Repeat("ok", calls.Count + 1), verdicts.Take(calls.Count + 1));
        Assert.Equal("refused: no signature matches", verdicts[calls.Count + 1]);
        Assert.StartsWith("refused: the timestamp", verdicts[calls.Count + 2]);
        Assert.StartsWith("refused: the timestamp", verdicts[calls.Count + 3]);
        Assert.Equal("refused: no signature matches", verdicts[calls.Count + 4]);
        Assert.All(calls, c => Assert.Null(c.VerifyError));
    }
}
