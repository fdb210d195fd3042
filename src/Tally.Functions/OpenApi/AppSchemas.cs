using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Tally.Callbacks;
using static Tally.Functions.OpenApi.ApiSchemas;
using static Tally.Functions.OpenApi.Schema;

namespace Tally.Functions.OpenApi;

/// <summary>The callback and operations shapes: a job's or batch's <c>callback</c>, the delivery log (<c>/api/deliveries</c>) and the origins (<c>/api/origins</c>).</summary>
internal static class AppSchemas
{
    public static IEnumerable<KeyValuePair<string, IOpenApiSchema>> Create(Func<string, IOpenApiSchema> reference)
    {
        var state = OneOf("pending (not final yet, or being retried), delivered (answered with a 2xx) or failed (every attempt failed, or 410 Gone).", [.. DeliveryStates.All]);
        yield return new("Callback", Object(
            "Where a job's or batch's completion call stands.",
            ("url", Text("The callbackUrl given.", "uri")),
            ("state", state),
            ("attempts", Whole("Calls made so far.")),
            ("lastStatus", Whole("The receiver's last HTTP status, if it answered.", nullable: true)),
            ("lastError", Text("Why the last attempt failed, if it did.", nullable: true)),
            ("deliveredAt", Instant("When a call was answered with a 2xx.", nullable: true))));
        yield return new("Delivery", Object(
            "A callback delivery, as the log lists it.",
            ("id", Text("Its webhook-id, the same on every attempt.")),
            ("type", Text("The event: job.succeeded, job.failed, job.canceled, batch.completed, batch.failed, batch.terminated or request.completed.")),
            ("resourceId", Text("The job, batch or request it reports on.")),
            ("url", Text("Where it is sent.", "uri")),
            ("state", state),
            ("attempts", Whole("Calls made so far.")),
            ("lastStatus", Whole("The receiver's last HTTP status, if it answered.", nullable: true)),
            ("lastError", Text("Why the last attempt failed, if it did.", nullable: true)),
            ("createdAt", Instant("When the delivery was owed."))));
        yield return new("DeliveryList", Object(
            "A page of deliveries, newest first.",
            ("deliveries", ListOf(reference("Delivery"), "The deliveries.")),
            ("continuation?", Text("The token of the next page; absent on the last."))));
        yield return new("OriginList", WithExample(Object(
            "The origins with work in flight or paused, across every instance (at most 1,000).",
            ("origins", ListOf(Object(
                "An origin's politeness state.",
                ("origin", Text("scheme://host:port.")),
                ("inFlight", Whole("Fetches in flight now, over every instance.")),
                ("limit", Whole("The lowest concurrency limit an instance holds for it; null when none holds a share.", nullable: true)),
                ("pausedUntil", Instant("Until when it is paused after a 429 or 503 with Retry-After.", nullable: true)),
                ("reason", Text("Why it is paused.", nullable: true))), "The origins."))),
            new JsonObject
            {
                ["origins"] = new JsonArray(new JsonObject
                {
                    ["origin"] = "https://example.com:443", ["inFlight"] = 4, ["limit"] = 8, ["pausedUntil"] = "2025-06-01T12:00:05+00:00",
                    ["reason"] = "it answered 429 Too Many Requests with Retry-After: 5",
                }),
            }));
    }
}
