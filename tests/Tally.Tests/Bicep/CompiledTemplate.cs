using System.Diagnostics;
using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Bicep;

/// <summary>infra/main.bicep built and linted once by the Bicep CLI from NuGet, and the ARM JSON it compiles to.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    public JsonElement Template { get; private set; }

    public string Json { get; private set; } = "";

    public (int ExitCode, string Output) Build { get; private set; }

    public (int ExitCode, string Output) Lint { get; private set; }

    public async Task InitializeAsync()
    {
        var main = Path.Combine(Repository.Root, "infra", "main.bicep");
        var output = Path.Combine(Path.GetTempPath(), $"tally-main-{Guid.NewGuid():N}.json");
        try
        {
            Build = await RunAsync("build", main, "--outfile", output);
            Lint = await RunAsync("lint", main);
            Json = File.Exists(output) ? await File.ReadAllTextAsync(output) : "{}";
            Template = JsonDocument.Parse(Json).RootElement.Clone();
        }
        finally
        {
            File.Delete(output);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every object in the template (nested module templates included) that declares a resource of <paramref name="type"/>.</summary>
    public IReadOnlyList<JsonElement> Resources(string type) =>
        Walk(Template).Where(e => e.ValueKind == JsonValueKind.Object
            && e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            && string.Equals(t.GetString(), type, StringComparison.OrdinalIgnoreCase)
            && e.TryGetProperty("apiVersion", out _)).ToList();

    /// <summary>Every property name anywhere in the template.</summary>
    public ISet<string> PropertyNames() =>
        Walk(Template).Where(e => e.ValueKind == JsonValueKind.Object).SelectMany(e => e.EnumerateObject().Select(p => p.Name)).ToHashSet();

    /// <summary>The variable <paramref name="name"/> of the one template (main or a module's) that declares it.</summary>
    public JsonElement Variable(string name) =>
        Walk(Template).Single(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("variables", out var v) && v.ValueKind == JsonValueKind.Object && v.TryGetProperty(name, out _))
            .GetProperty("variables").GetProperty(name);

    private static IEnumerable<JsonElement> Walk(JsonElement element)
    {
        yield return element;
        var children = element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => element.EnumerateArray(),
            _ => [],
        };
        foreach (var child in children.SelectMany(Walk))
        {
            yield return child;
        }
    }

    private static async Task<(int, string)> RunAsync(params string[] arguments)
    {
        var directory = Repository.BicepDirectory;
        var cli = Path.Combine(directory, OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"The Bicep CLI is not at {cli}; restore the test project (dotnet restore) to fetch it from NuGet.");
        }

        if (!OperatingSystem.IsWindows())
        {
            // NuGet does not keep the executable bit when it extracts a package.
            File.SetUnixFileMode(cli, File.GetUnixFileMode(cli) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }
}
