using Microsoft.OpenApi;

namespace Tally.Functions.OpenApi;

/// <summary>Short constructors for operations, parameters and responses, so each route's entry reads as its contract.</summary>
internal sealed class ApiOperations(OpenApiDocument document)
{
    public const string Json = "application/json";

    public IOpenApiSchema Ref(string schema) => new OpenApiSchemaReference(schema, document);

    public static OpenApiParameter Path(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Path, Required = true, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    public static OpenApiParameter Query(string name, string description, JsonSchemaType type = JsonSchemaType.String) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = new OpenApiSchema { Type = type } };

    public static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 } };

    public OpenApiRequestBody Body(string schema, string description, string mediaType = Json) =>
        new() { Required = true, Description = description, Content = new Dictionary<string, IOpenApiMediaType> { [mediaType] = new OpenApiMediaType { Schema = Ref(schema) } } };

    public OpenApiResponse Answer(string description, string? schema, string mediaType = Json, IOpenApiSchema? inline = null, bool location = false) => new()
    {
        Description = description,
        Content = schema is null && inline is null ? null : new Dictionary<string, IOpenApiMediaType> { [mediaType] = new OpenApiMediaType { Schema = inline ?? Ref(schema!) } },
        Headers = location ? new Dictionary<string, IOpenApiHeader> { ["Location"] = new OpenApiHeader { Description = "Where the created resource is read.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } } } : null,
    };

    public OpenApiResponse Problem(string description, bool retryAfter = false) => new()
    {
        Description = description,
        Content = new Dictionary<string, IOpenApiMediaType> { [Http.Problems.ContentType] = new OpenApiMediaType { Schema = Ref("Problem") } },
        Headers = retryAfter ? new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before trying again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } } } : null,
    };

    /// <summary>An operation: every one but the anonymous ones asks for the function key, and every one may meet storage trouble (503).</summary>
    public OpenApiOperation Operation(string id, string tag, string summary, bool anonymous, IList<IOpenApiParameter>? parameters, OpenApiRequestBody? body, params (int Status, OpenApiResponse Response)[] responses)
    {
        var answers = new OpenApiResponses();
        foreach (var (status, response) in responses)
        {
            answers[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        answers["503"] = Problem("Storage is not answering; nothing was changed. Try again after Retry-After.", retryAfter: true);
        if (!anonymous)
        {
            answers["401"] = new OpenApiResponse { Description = "In Azure: no function key, or a wrong one." };
        }

        return new OpenApiOperation
        {
            OperationId = id,
            Summary = summary,
            Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
            Parameters = parameters,
            RequestBody = body,
            Responses = answers,
            Security = anonymous ? [] : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDescription.KeyHeader, document)] = [], }, new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDescription.KeyQuery, document)] = [] }],
        };
    }
}
