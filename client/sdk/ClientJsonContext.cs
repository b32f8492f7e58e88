using System.Text.Json;
using System.Text.Json.Serialization;

namespace MemOS.Client;

/// <summary>Source-generated JSON metadata for the client's own types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiProblem))]
internal sealed partial class ClientJsonContext : JsonSerializerContext
{
}
