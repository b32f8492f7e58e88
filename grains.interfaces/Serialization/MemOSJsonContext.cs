using System.Text.Json;
using System.Text.Json.Serialization;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Grains.Interfaces.Serialization;

/// <summary>System.Text.Json source-generated metadata for every DTO that crosses the wire: the REST API and client SDK,
/// and the arguments and results of grain calls forwarded between silos.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AddMemoriesRequest))]
[JsonSerializable(typeof(AddMemoriesResponse))]
[JsonSerializable(typeof(MemoryRecord))]
[JsonSerializable(typeof(MemoryHistory))]
[JsonSerializable(typeof(UpdateMemoryRequest))]
[JsonSerializable(typeof(RollbackMemoryRequest))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(ReembedResponse))]
[JsonSerializable(typeof(Operations.SiloOverview))]
[JsonSerializable(typeof(Operations.ClusterMembers))]
[JsonSerializable(typeof(IReadOnlyList<ConversationMessage>))]
[JsonSerializable(typeof(MemCubeDraft))]
[JsonSerializable(typeof(MemoryUpdate))]
[JsonSerializable(typeof(MemoryEmbedding))]
[JsonSerializable(typeof(MemorySearchQuery))]
[JsonSerializable(typeof(Chat.ChatRequest))]
[JsonSerializable(typeof(Chat.ChatResponse))]
[JsonSerializable(typeof(Activation.ActivateRequest))]
[JsonSerializable(typeof(Activation.ActivationRecord))]
[JsonSerializable(typeof(Activation.ActivationList))]
[JsonSerializable(typeof(Parameters.ParameterizeRequest))]
[JsonSerializable(typeof(Parameters.ParameterRecord))]
[JsonSerializable(typeof(Parameters.ParameterList))]
[JsonSerializable(typeof(Governance.CreateTenantRequest))]
[JsonSerializable(typeof(Governance.CreatePrincipalRequest))]
[JsonSerializable(typeof(Governance.IssuedApiKey))]
[JsonSerializable(typeof(Governance.PrincipalList))]
[JsonSerializable(typeof(Governance.CreateSpaceRequest))]
[JsonSerializable(typeof(Governance.GrantRequest))]
[JsonSerializable(typeof(Governance.SpaceRecord))]
[JsonSerializable(typeof(Governance.SpaceList))]
[JsonSerializable(typeof(Governance.ErasureReport))]
[JsonSerializable(typeof(Governance.AuditPage))]
[JsonSerializable(typeof(Governance.Caller))]
public sealed partial class MemOSJsonContext : JsonSerializerContext
{
}
