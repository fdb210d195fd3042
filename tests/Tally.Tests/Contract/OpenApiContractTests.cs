using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Tally.Tests.Clients;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Contract;

/// <summary>
/// The OpenAPI document against the build and the running app: every HTTP function has its path and verb in it, and
/// real answers (over HTTP, on Azurite, from a real origin) validate against the schemas it gives for their status.
/// </summary>
public sealed class OpenApiContractTests(RunningApp app) : IClassFixture<RunningApp>
{
    private readonly HttpClient _http = new() { BaseAddress = app.BaseAddress, DefaultRequestHeaders = { { "x-functions-key", FunctionsServer.Key } } };

    [Fact]
    public async Task EveryHttpFunction_HasItsPathAndVerbInTheDocument_AndEveryEntryIsAFunction()
    {
        var document = await DocumentAsync();
        var functions = HttpFunctions().ToArray();

        Assert.All(functions, f =>
        {
            var operation = document["paths"]?[$"/{f.Route}"]?[f.Method];
            Assert.True(operation is not null, $"{f.Name} ({f.Method.ToUpperInvariant()} /api/{f.Route}) has no entry in /api/openapi.json.");
            Assert.Equal(f.Name, operation!["operationId"]!.GetValue<string>());
        });
        var entries = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key))).ToArray();
        Assert.Equal(functions.Length, entries.Length); // no entry without its function
    }

    [Fact]
    public async Task Document_IsServedAnonymously_AsOpenApi31_WithAnETag()
    {
        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await anonymous.GetAsync("/api/openapi.json");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/openapi.json") { Headers = { IfNoneMatch = { response.Headers.ETag! } } };
        using var revalidated = await anonymous.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("3.1", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["openapi"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task RealAnswers_ValidateAgainstTheDocumentsSchemas()
    {
        var document = await DocumentAsync();
        var origin = app.Origin;
        var checks = new List<string>();
        async Task<JsonNode?> Check(HttpMethod method, string path, string template, object? body = null, int? expect = null)
        {
            using var request = new HttpRequestMessage(method, "/api" + path);
            if (body is not null)
            {
                request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            }

            using var response = await _http.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (expect is { } expected)
            {
                Assert.True(expected == status, $"{method} {path}: {status} {text}");
            }

            var answer = document["paths"]?[template]?[method.Method.ToLowerInvariant()]?["responses"]?[status.ToString()];
            Assert.True(answer is not null, $"{method} {path} answered {status}, which the document does not give for {template}.");
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var schema = answer!["content"]?[mediaType ?? ""]?["schema"];
            Assert.True(schema is not null, $"{method} {path} answered {status} {mediaType}, which the document does not give.");
            var instance = JsonDocument.Parse(text).RootElement;
            var results = SchemaOf(document, schema!).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(results.IsValid, $"{method} {path} {status}: {text}\ndoes not match {schema.ToJsonString()}:\n{JsonSerializer.Serialize((results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => new { d.InstanceLocation, d.EvaluationPath, d.Errors }))}");
            checks.Add($"{method} {template} {status}");
            return JsonNode.Parse(text);
        }

        var one = await Check(HttpMethod.Post, "/jobs", "/jobs", new { url = origin.Page("one two three") }, 202);
        var many = await Check(HttpMethod.Post, "/jobs", "/jobs", new { urls = new[] { origin.Page("a b").ToString(), origin.Status(404).ToString() } }, 202);
        var id = one!["id"]!.GetValue<string>();
        var requestId = many!["requestId"]!.GetValue<string>();
        var failedId = many["jobs"]![1]!["id"]!.GetValue<string>();
        await Eventually.GetAsync(async () => (await _http.GetFromJsonNodeAsync($"/api/jobs/{failedId}"))!["status"]!.GetValue<string>(), s => s == "failed", what: "the 404 job to fail");
        await Eventually.GetAsync(async () => (await _http.GetFromJsonNodeAsync($"/api/jobs/{id}"))!["status"]!.GetValue<string>(), s => s == "succeeded", what: "the job to succeed");
        await Check(HttpMethod.Get, $"/jobs/{id}", "/jobs/{id}", expect: 200);
        await Check(HttpMethod.Get, $"/jobs/{failedId}", "/jobs/{id}", expect: 200);
        await Check(HttpMethod.Get, "/jobs/00000000000000000000000000000000", "/jobs/{id}", expect: 404);
        await Check(HttpMethod.Get, "/jobs?status=failed&limit=1", "/jobs", expect: 200);
        await Check(HttpMethod.Get, $"/jobs?request={requestId}", "/jobs", expect: 200);
        await Check(HttpMethod.Get, $"/jobs?status=succeeded&origin={origin.BaseAddress.Authority}", "/jobs", expect: 200);
        await Check(HttpMethod.Get, "/jobs?status=nope", "/jobs", expect: 400);
        await Check(HttpMethod.Delete, $"/jobs/{id}", "/jobs/{id}", expect: 409);
        await Check(HttpMethod.Post, $"/jobs/{failedId}/retry", "/jobs/{id}/retry", expect: 202);
        await Check(HttpMethod.Post, "/jobs/actions/retry", "/jobs/actions/retry", new { request = requestId }, 200);
        await Check(HttpMethod.Post, "/jobs/actions/cancel", "/jobs/actions/cancel", new { status = "queued", from = DateTimeOffset.UtcNow.AddDays(1) }, 200);
        await Check(HttpMethod.Post, "/jobs/actions/cancel", "/jobs/actions/cancel", "{}", 400);
        await Check(HttpMethod.Post, "/jobs", "/jobs", new { url = "ftp://example.com/" }, 400);

        var batch = await Check(HttpMethod.Post, "/batches", "/batches", new { urls = new[] { origin.Page("x y z").ToString(), origin.Status(404).ToString() }, maxParallelism = 2 }, 202);
        var batchId = batch!["id"]!.GetValue<string>();
        await Eventually.GetAsync(async () => (await _http.GetFromJsonNodeAsync($"/api/batches/{batchId}"))!["status"]!.GetValue<string>(), s => s == "completed", what: "the batch to complete");
        await Check(HttpMethod.Get, $"/batches/{batchId}", "/batches/{id}", expect: 200);
        await Check(HttpMethod.Get, $"/batches/{batchId}/pages?offset=0&limit=10", "/batches/{id}/pages", expect: 200);
        await Check(HttpMethod.Get, "/batches?limit=5", "/batches", expect: 200);
        await Check(HttpMethod.Delete, $"/batches/{batchId}", "/batches/{id}", expect: 409);
        await Check(HttpMethod.Get, "/batches/bnope", "/batches/{id}", expect: 404);
        await Check(HttpMethod.Get, "/overview", "/overview", expect: 200);
        await Check(HttpMethod.Get, "/health", "/health", expect: 200);

        var called = await Check(HttpMethod.Post, "/jobs", "/jobs", new { url = origin.Page("called back"), callbackUrl = origin.Page("a receiver") }, 202);
        var calledId = called!["id"]!.GetValue<string>();
        await Eventually.GetAsync(async () => (await _http.GetFromJsonNodeAsync($"/api/jobs/{calledId}"))!["status"]!.GetValue<string>(), s => s == "succeeded", what: "the job with a callback to succeed");
        Assert.NotNull((await Check(HttpMethod.Get, $"/jobs/{calledId}", "/jobs/{id}", expect: 200))!["callback"]);
        await Eventually.GetAsync(async () => (await _http.GetFromJsonNodeAsync("/api/deliveries"))!["deliveries"]!.AsArray().Count, n => n > 0, what: "the delivery to be logged");
        await Check(HttpMethod.Get, "/deliveries?limit=5", "/deliveries", expect: 200);
        await Check(HttpMethod.Post, "/deliveries/nope/redeliver", "/deliveries/{id}/redeliver", expect: 404);
        await Check(HttpMethod.Get, "/origins", "/origins", expect: 200);

        var schedule = $"contract-{Guid.NewGuid():N}";
        var definition = new { cron = "0 6 * * *", timeZone = "Europe/Paris", urls = new[] { origin.Page("every morning").ToString() } };
        await Check(HttpMethod.Put, $"/schedules/{schedule}", "/schedules/{name}", definition, 201);
        await Check(HttpMethod.Put, $"/schedules/{schedule}", "/schedules/{name}", definition with { cron = "30 6 * * *" }, 200);
        await Check(HttpMethod.Put, $"/schedules/{schedule}", "/schedules/{name}", new { cron = "0 6 * * *" }, 400);
        await Check(HttpMethod.Post, $"/schedules/{schedule}/pause", "/schedules/{name}/pause", expect: 200);
        await Check(HttpMethod.Post, $"/schedules/{schedule}/resume", "/schedules/{name}/resume", expect: 200);
        await Check(HttpMethod.Post, $"/schedules/{schedule}/trigger", "/schedules/{name}/trigger", expect: 202);
        Assert.NotEmpty((await Check(HttpMethod.Get, $"/schedules/{schedule}", "/schedules/{name}", expect: 200))!["runs"]!.AsArray());
        await Check(HttpMethod.Get, "/schedules?limit=5", "/schedules", expect: 200);
        await Check(HttpMethod.Get, "/schedules/no-such-schedule", "/schedules/{name}", expect: 404);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/schedules/{schedule}")).StatusCode);

        Assert.Equal(37, checks.Count); // every route a client calls, and each kind of answer it can meet
    }

    private static JsonSchema SchemaOf(JsonNode document, JsonNode schema)
    {
        // OpenAPI 3.1's schemas are JSON Schema 2020-12: the components become $defs, and the answer's schema refers to them there.
        var text = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = document["components"]!["schemas"]!.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        }.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    private async Task<JsonNode> DocumentAsync() => (await _http.GetFromJsonNodeAsync("/api/openapi.json"))!;

    private static IEnumerable<(string Name, string Route, string Method)> HttpFunctions()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.FunctionsAppDirectory, "functions.metadata")));
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "httpTrigger"))
            {
                foreach (var method in binding.GetProperty("methods").EnumerateArray())
                {
                    yield return (function.GetProperty("name").GetString()!, binding.GetProperty("route").GetString()!, method.GetString()!.ToLowerInvariant());
                }
            }
        }
    }
}

internal static class HttpJson
{
    public static async Task<JsonNode?> GetFromJsonNodeAsync(this HttpClient http, string path) => JsonNode.Parse(await http.GetStringAsync(path));
}
