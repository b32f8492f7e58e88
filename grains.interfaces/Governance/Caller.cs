using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Governance;

/// <summary>Who makes a call, as the silo authenticated it (from an API key, the cluster admin key, or the open
/// single-tenant mode): passed to every grain method that reads or writes a tenant's data, which checks it against the
/// tenant's roles and space grants itself. A grain method given no caller (<see langword="null"/>) was called by the
/// silo itself (a timer, another grain, an in-process test) and is not checked.</summary>
/// <param name="TenantId">The caller's tenant (for the cluster admin: <see cref="ClusterAdminTenant"/>).</param>
/// <param name="PrincipalId">The user or agent name within the tenant.</param>
/// <param name="Role">The caller's tenant role when it was authenticated.</param>
/// <param name="IsClusterAdmin">Whether the caller holds the cluster admin key (<c>MEMOS_ADMIN_KEY</c>): every right in
/// every tenant.</param>
public sealed record Caller(
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("principalId")] string PrincipalId,
    [property: JsonPropertyName("role")] TenantRole Role,
    [property: JsonPropertyName("isClusterAdmin")] bool IsClusterAdmin = false)
{
    /// <summary>The tenant id a cluster admin caller carries (not a valid tenant name).</summary>
    public const string ClusterAdminTenant = "*";

    /// <summary>The principal id of the cluster admin (not a valid principal name, so it never collides with one).</summary>
    public const string ClusterAdminPrincipal = "cluster-admin*";

    /// <summary>The principal id of the anonymous caller of a silo in open mode (no <c>MEMOS_ADMIN_KEY</c>).</summary>
    public const string OpenModePrincipal = "anonymous";

    /// <summary>The cluster admin.</summary>
    public static Caller ClusterAdmin { get; } = new(ClusterAdminTenant, ClusterAdminPrincipal, TenantRole.Admin, IsClusterAdmin: true);

    /// <summary>Whether this caller may act in <paramref name="tenantId"/> at all.</summary>
    /// <param name="tenantId">A tenant name.</param>
    /// <returns><see langword="true"/> for the cluster admin and for callers of that tenant.</returns>
    public bool BelongsTo(string tenantId) => IsClusterAdmin || string.Equals(TenantId, tenantId, StringComparison.Ordinal);

    /// <summary>The name audit entries record for this caller.</summary>
    public string AuditName => IsClusterAdmin ? ClusterAdminPrincipal : PrincipalId;
}
