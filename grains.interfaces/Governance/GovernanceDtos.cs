using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Governance;

/// <summary>Body of <c>POST /v1/tenants</c> (cluster admin): the tenant and its first admin user.</summary>
/// <param name="Tenant">The tenant name (1-64 of ASCII letters, digits, <c>-_.</c>).</param>
/// <param name="Admin">The name of the tenant's first user, who gets the admin role; default <c>admin</c>.</param>
public sealed record CreateTenantRequest(
    [property: JsonPropertyName("tenant")] string? Tenant,
    [property: JsonPropertyName("admin")] string? Admin = null);

/// <summary>Body of <c>POST /v1/tenants/{tenant}/users</c> (tenant admin).</summary>
/// <param name="Name">The user's or agent's name (1-64 of ASCII letters, digits, <c>-_.</c>).</param>
/// <param name="Role"><c>admin</c>, <c>member</c> (default) or <c>reader</c>.</param>
/// <param name="Kind"><c>user</c> (default) or <c>agent</c>.</param>
public sealed record CreatePrincipalRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("role")] TenantRole? Role = null,
    [property: JsonPropertyName("kind")] PrincipalKind? Kind = null);

/// <summary>A user or agent of a tenant (never its keys' secrets).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Name">The principal's name.</param>
/// <param name="Kind">User or agent.</param>
/// <param name="Role">Its tenant role.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="KeyIds">The ids of its API keys that are not revoked.</param>
public sealed record PrincipalRecord(
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] PrincipalKind Kind,
    [property: JsonPropertyName("role")] TenantRole Role,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("keyIds")] IReadOnlyList<string> KeyIds);

/// <summary>A new API key: the only time its secret is shown (only a salted hash of it is stored).</summary>
/// <param name="Principal">Whose key it is.</param>
/// <param name="KeyId">The key's id (what <c>DELETE /v1/tenants/{tenant}/keys/{keyId}</c> revokes).</param>
/// <param name="ApiKey">The key to send as <c>Authorization: Bearer &lt;key&gt;</c>.</param>
public sealed record IssuedApiKey(
    [property: JsonPropertyName("principal")] PrincipalRecord Principal,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("apiKey")] string ApiKey);

/// <summary>The principals of a tenant.</summary>
/// <param name="Principals">Users and agents, by name.</param>
public sealed record PrincipalList([property: JsonPropertyName("principals")] IReadOnlyList<PrincipalRecord> Principals);

/// <summary>Body of <c>POST /v1/spaces</c>.</summary>
/// <param name="Space">The space name (1-64 of ASCII letters, digits, <c>-_.</c>).</param>
public sealed record CreateSpaceRequest([property: JsonPropertyName("space")] string? Space);

/// <summary>Body of <c>POST /v1/spaces/{space}/grants</c>.</summary>
/// <param name="Principal">A user or agent of the same tenant.</param>
/// <param name="Right"><c>read</c>, <c>write</c> or <c>admin</c>.</param>
public sealed record GrantRequest(
    [property: JsonPropertyName("principal")] string? Principal,
    [property: JsonPropertyName("right")] SpaceRight? Right);

/// <summary>A right granted on a space.</summary>
/// <param name="Principal">The user or agent.</param>
/// <param name="Right">The right.</param>
public sealed record SpaceGrant(
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("right")] SpaceRight Right);

/// <summary>A shared space of a tenant.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Space">The space name.</param>
/// <param name="Owner">Who created it (it has the admin right), or null when that principal was erased.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Grants">The rights granted on it, by principal.</param>
/// <param name="Right">The caller's own right on it.</param>
public sealed record SpaceRecord(
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("space")] string Space,
    [property: JsonPropertyName("owner")] string? Owner,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("grants")] IReadOnlyList<SpaceGrant> Grants,
    [property: JsonPropertyName("right")] SpaceRight Right);

/// <summary>The spaces the caller can read.</summary>
/// <param name="Spaces">Spaces by name.</param>
public sealed record SpaceList([property: JsonPropertyName("spaces")] IReadOnlyList<SpaceRecord> Spaces);

/// <summary>What an erasure destroyed.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Target">The erased user (<c>user:{name}</c>) or space (<c>space:{name}</c>).</param>
/// <param name="MemoriesErased">Plaintext MemCubes erased (payload, history, vectors, lexical index, archive).</param>
/// <param name="ActivationsErased">Activation MemCubes (KV caches) erased.</param>
/// <param name="AdaptersErased">Parameter MemCubes (LoRA adapters) erased.</param>
public sealed record ErasureReport(
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("memoriesErased")] int MemoriesErased,
    [property: JsonPropertyName("activationsErased")] int ActivationsErased,
    [property: JsonPropertyName("adaptersErased")] int AdaptersErased);

/// <summary>One audit log entry: who did what to which target, when, and how it ended. Never holds memory text.</summary>
/// <param name="Sequence">Its position in its partition of the tenant's log, from 1, without gaps.</param>
/// <param name="Time">When it was recorded (UTC).</param>
/// <param name="Principal">Who acted (<c>system</c> for the silo's own sweeps, <c>cluster-admin*</c> for the cluster admin).</param>
/// <param name="Action">What was done, as <c>{object}.{verb}</c>: <c>memory.add</c>, <c>memory.update</c>,
/// <c>memory.delete</c>, <c>memory.archive</c>, <c>memory.expire</c>, <c>space.grant</c>, <c>user.erase</c>, ...</param>
/// <param name="Target">What it was done to: <c>space:{key}</c>, <c>memory:{space}/{id}</c>, <c>user:{name}</c>, <c>key:{id}</c>.</param>
/// <param name="Outcome"><c>ok</c>, <c>denied</c>, <c>not_found</c>, <c>conflict</c>, <c>invalid</c> or <c>failed</c>.</param>
/// <param name="Detail">Ids, counts, versions or states; never memory text.</param>
/// <param name="Partition">The partition of the log: the space whose MemScheduler wrote it (<c>u:{user}</c> or
/// <c>s:{space}</c>), or null for the tenant's governance partition (tenants, principals, keys, grants, erasures).</param>
public sealed record AuditEntry(
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("detail")] string? Detail = null,
    [property: JsonPropertyName("partition")] string? Partition = null);

/// <summary>A page of a tenant's audit log, oldest first (by time, then partition, then sequence).</summary>
/// <param name="Entries">The entries after the page's <c>after</c> cursor.</param>
/// <param name="Next">The <c>after</c> cursor of the next page, or null at the end.</param>
public sealed record AuditPage(
    [property: JsonPropertyName("entries")] IReadOnlyList<AuditEntry> Entries,
    [property: JsonPropertyName("next")] string? Next);
