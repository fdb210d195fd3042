using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Tally.Functions.OpenApi;

/// <summary>Short constructors for the document's JSON Schemas (OpenAPI 3.1: JSON Schema 2020-12, so a nullable value's type includes <c>null</c>).</summary>
internal static class Schema
{
    public static IOpenApiSchema Text(string description, string? format = null, bool nullable = false, string? example = null) =>
        new OpenApiSchema { Type = Nullable(JsonSchemaType.String, nullable), Format = format, Description = description, Examples = example is null ? null : [JsonValue.Create(example)] };

    public static IOpenApiSchema Instant(string description, bool nullable = false) => Text(description, "date-time", nullable);

    public static IOpenApiSchema Whole(string description, bool nullable = false, string format = "int32", int? minimum = null, int? maximum = null) =>
        new OpenApiSchema { Type = Nullable(JsonSchemaType.Integer, nullable), Format = format, Description = description, Minimum = minimum?.ToString(), Maximum = maximum?.ToString() };

    public static IOpenApiSchema Flag(string description) => new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = description };

    public static IOpenApiSchema OneOf(string description, params string[] values) =>
        new OpenApiSchema { Type = JsonSchemaType.String, Description = description, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))] };

    public static IOpenApiSchema ListOf(IOpenApiSchema items, string description, int? maxItems = null, int? minItems = null) =>
        new OpenApiSchema { Type = JsonSchemaType.Array, Items = items, Description = description, MaxItems = maxItems, MinItems = minItems };

    public static IOpenApiSchema MapOf(IOpenApiSchema values, string description) =>
        new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = values, Description = description };

    /// <summary>
    /// An object of exactly these properties (<c>additionalProperties: false</c>: an answer with a field the document
    /// does not name fails the contract test), the names ending in <c>?</c> optional, the others required.
    /// </summary>
    public static OpenApiSchema Object(string description, params (string Name, IOpenApiSchema Schema)[] properties) => Shape(description, closed: true, properties);

    /// <summary>An object of these properties that does not forbid others (<c>?</c> marks the optional ones, as in <see cref="Object"/>).</summary>
    public static OpenApiSchema Open(string description, params (string Name, IOpenApiSchema Schema)[] properties) => Shape(description, closed: false, properties);

    private static OpenApiSchema Shape(string description, bool closed, (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Properties = properties.ToDictionary(p => p.Name.TrimEnd('?'), p => p.Schema),
        Required = properties.Where(p => !p.Name.EndsWith('?')).Select(p => p.Name).ToHashSet() is { Count: > 0 } required ? required : null,
        AdditionalPropertiesAllowed = !closed,
    };

    private static JsonSchemaType Nullable(JsonSchemaType type, bool nullable) => nullable ? type | JsonSchemaType.Null : type;
}
