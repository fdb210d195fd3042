using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Tally.Callbacks;
using Tally.Fetching;

namespace Tally.Functions.Http;

/// <summary>Reads a request's <c>callbackUrl</c> and <c>callbackMode</c>: the URL passes the same policy as a fetched one.</summary>
internal static class CallbackRequest
{
    /// <summary>The most jobs one <c>request.completed</c> call lists: its body is kept whole in the delivery log.</summary>
    public const int MaxRequestModeJobs = 1000;

    /// <summary>The callback a request asks for (null for none), or the problem answer that explains why it cannot have it.</summary>
    public static (CallbackTarget? Callback, IActionResult? Problem) Read(
        JsonElement root, FetchOptions fetch, CallbacksOptions callbacks, bool isBatch, int urlCount, string verb)
    {
        var hasMode = root.TryGetProperty("callbackMode", out var modeValue) && modeValue.ValueKind != JsonValueKind.Null;
        if (!root.TryGetProperty("callbackUrl", out var urlValue) || urlValue.ValueKind == JsonValueKind.Null)
        {
            return hasMode ? (null, Problems.BadRequest($"\"callbackMode\" needs a \"callbackUrl\" to call. Nothing was {verb}.")) : (null, null);
        }

        if (urlValue.ValueKind != JsonValueKind.String)
        {
            return (null, Problems.BadRequest($"\"callbackUrl\" must be a string, not a {urlValue.ValueKind.ToString().ToLowerInvariant()}. Nothing was {verb}."));
        }

        if (!callbacks.Enabled)
        {
            return (null, Problems.BadRequest(
                $"This Tally has no signing secret, so it makes no callbacks: set {CallbacksOptions.Section}:SigningSecret (whsec_ and a base64 key) to use \"callbackUrl\". Nothing was {verb}."));
        }

        if (UrlPolicy.Check(urlValue.GetString(), fetch, out var error) is not { } url)
        {
            return (null, Problems.BadRequest($"\"callbackUrl\" {error} Nothing was {verb}."));
        }

        var mode = hasMode ? (modeValue.ValueKind == JsonValueKind.String ? modeValue.GetString() : null) : CallbackModes.Job;
        if (isBatch ? hasMode : mode is not (CallbackModes.Job or CallbackModes.Request))
        {
            return (null, Problems.BadRequest(isBatch
                ? $"\"callbackMode\" applies to POST /api/jobs; a batch makes one call when it ends. Nothing was {verb}."
                : $"\"callbackMode\" must be \"{CallbackModes.Job}\" (a call per job) or \"{CallbackModes.Request}\" (one call once every job is final). Nothing was {verb}."));
        }

        if (mode == CallbackModes.Request && urlCount > MaxRequestModeJobs)
        {
            return (null, Problems.BadRequest($"\"callbackMode\": \"request\" lists every job in one call, at most {MaxRequestModeJobs:N0}; this request has {urlCount:N0}. Split it. Nothing was {verb}."));
        }

        return (new CallbackTarget(url, mode!), null);
    }
}
