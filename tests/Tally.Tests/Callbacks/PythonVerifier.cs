using System.Diagnostics;
using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>Runs the README's Python <c>verify</c> (the code block after its marker, as a reader copies it) on calls a receiver got.</summary>
internal static class PythonVerifier
{
    private const string Marker = "<!-- callbacks-python-verifier -->";

    private const string Harness = """

        import json, sys
        for case in json.load(sys.stdin):
            try:
                verify(case["secret"], case["headers"], base64.b64decode(case["body"]), now=case.get("now"))
                print("ok")
            except ValueError as error:
                print(f"refused: {error}")
        """;

    /// <summary>What the README's verifier says of each case: <c>ok</c>, or <c>refused: …</c>.</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(IEnumerable<Case> cases)
    {
        var script = Path.Combine(Path.GetTempPath(), $"tally-verify-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, ReadmeCode() + Harness);
        try
        {
            var start = new ProcessStartInfo("python3", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using var python = Process.Start(start)!;
            await python.StandardInput.WriteAsync(JsonSerializer.Serialize(cases.Select(c => new
            {
                secret = c.Secret,
                headers = new Dictionary<string, string> { ["webhook-id"] = c.Call.Id, ["webhook-timestamp"] = c.Call.Timestamp, ["webhook-signature"] = c.Call.Signature },
                body = Convert.ToBase64String(c.Body ?? c.Call.Body),
                now = c.Now,
            })));
            python.StandardInput.Close();
            var output = await python.StandardOutput.ReadToEndAsync();
            var errors = await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.True(python.ExitCode == 0, errors);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>The README's Python code block after the marker.</summary>
    private static string ReadmeCode()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var start = readme.IndexOf("```python\n", readme.IndexOf(Marker, StringComparison.Ordinal), StringComparison.Ordinal) + "```python\n".Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>A call to verify with <paramref name="Secret"/>; its body replaced by <paramref name="Body"/>, and the verifier's clock set to <paramref name="Now"/>, when given.</summary>
    public sealed record Case(ReceivedCall Call, string Secret, byte[]? Body = null, double? Now = null);
}
