using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Tally.Functions.Http;

/// <summary>RFC 9457 <c>application/problem+json</c> answers, each with a detail a person can act on.</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult BadRequest(string detail, IReadOnlyList<string>? errors = null) =>
        Create(StatusCodes.Status400BadRequest, detail, errors);

    public static ObjectResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, detail);

    public static ObjectResult Conflict(string detail) => Create(StatusCodes.Status409Conflict, detail);

    public static ObjectResult TooLarge(string detail) => Create(StatusCodes.Status413PayloadTooLarge, detail);

    public static ObjectResult UnsupportedMediaType(string detail) => Create(StatusCodes.Status415UnsupportedMediaType, detail);

    public static ObjectResult Unavailable(string detail) => Create(StatusCodes.Status503ServiceUnavailable, detail);

    private static ObjectResult Create(int status, string detail, IReadOnlyList<string>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
            Title = ReasonPhrases.GetReasonPhrase(status),
            Status = status,
            Detail = detail,
        };
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { ContentType } };
    }
}
