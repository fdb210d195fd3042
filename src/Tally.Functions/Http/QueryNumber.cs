using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Tally.Functions.Http;

/// <summary>A whole-number query parameter (<c>?limit=</c>, <c>?offset=</c>), read the same way on every route.</summary>
internal static class QueryNumber
{
    /// <summary>Reads <c>?{name}=</c> as a whole number from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <returns>False, with the 400 answer naming the parameter and its range, when it is not one.</returns>
    public static bool TryRead(HttpRequest request, string name, int fallback, int min, int max, out int value, out ObjectResult? problem)
    {
        string? text = request.Query[name];
        value = fallback;
        problem = null;
        if (text is null || (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= min && value <= max))
        {
            return true;
        }

        problem = Problems.BadRequest($"?{name}= must be a whole number from {min} to {max}; '{text}' is not.");
        return false;
    }
}
