using System.Text.Json.Serialization;

namespace MemOS.Client;

/// <summary>An RFC 9457 problem details body as the silo sends it.</summary>
/// <param name="Type">The stable problem type URI, e.g. <c>urn:memos:problem:not-found</c>.</param>
/// <param name="Title">A short summary of the problem type.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What went wrong with this request.</param>
/// <param name="Errors">For invalid requests: messages by field name.</param>
public sealed record ApiProblem(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("errors")] Dictionary<string, string[]>? Errors);
