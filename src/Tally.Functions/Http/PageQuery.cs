using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Tally.Functions.Http;

/// <summary>A listing's <c>?limit=</c> and <c>?continuation=</c>, read the same way on every listing.</summary>
internal static class PageQuery
{
    /// <summary>
    /// Reads <c>?limit=</c> (1 to <paramref name="max"/>, <paramref name="size"/> when absent), then <c>?continuation=</c> as
    /// <paramref name="position"/> reads it (null: not one of this listing's tokens).
    /// </summary>
    /// <returns>False, with the 400 answer that says what to change, when either is not one.</returns>
    public static bool TryRead<T>(HttpRequest request, int size, int max, Func<string, T?> position, out int limit, out T? after, out ObjectResult? problem)
        where T : class
    {
        after = null;
        if (!QueryNumber.TryRead(request, "limit", size, 1, max, out limit, out problem))
        {
            return false;
        }

        string? token = request.Query["continuation"];
        after = token is null ? null : position(token);
        problem = token is not null && after is null ? NotAContinuation(token) : null;
        return problem is null;
    }

    /// <summary>Reads <c>?limit=</c> as <see cref="TryRead{T}"/> does, and <c>?continuation=</c> as it is, for the listing to check.</summary>
    public static bool TryRead(HttpRequest request, int size, int max, out int limit, out string? continuation, out ObjectResult? problem) =>
        TryRead(request, size, max, static token => token, out limit, out continuation, out problem);

    /// <summary>The 400 answer to a <c>?continuation=</c> no page of this listing gave.</summary>
    public static ObjectResult NotAContinuation(string? token) =>
        Problems.BadRequest($"?continuation= must be the 'continuation' of a previous page of this listing; '{token}' is not one.");
}
