using MemOS.Grains.Interfaces.Governance;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>The governance of one tenant (MemGovernance; key: the tenant name): its users and agents with their roles,
/// their API keys (only a salted SHA-256 hash of each secret is stored), its shared spaces and the rights granted on
/// them. Every method that changes something writes an entry to the tenant's audit log (<see cref="IAuditLogGrain"/>).</summary>
/// <remarks>An API key is <c>memos_{base64url(tenant)}.{keyId}.{secret}</c>: the tenant part routes the check to this
/// grain, the 32-byte random secret is what is hashed. A fast salted hash suffices for secrets of 256 bits (a
/// brute-force search cannot succeed, unlike for passwords); comparison is in constant time.</remarks>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant with its first user, an admin, and returns that user's first API key.</summary>
    /// <param name="caller">The cluster admin.</param>
    /// <param name="adminName">The first user's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The admin's key (shown once).</returns>
    /// <exception cref="AccessDeniedException">The caller is not the cluster admin.</exception>
    /// <exception cref="GovernanceConflictException">The tenant exists.</exception>
    /// <exception cref="ArgumentException">A name is invalid.</exception>
    Task<IssuedApiKey> CreateAsync(Caller caller, string adminName, CancellationToken cancellationToken = default);

    /// <summary>Creates the tenant, with no principal, unless it exists (the open mode's <c>default</c> tenant).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tenant exists.</returns>
    Task EnsureCreatedAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a user or agent and returns its first API key.</summary>
    /// <param name="caller">A tenant admin or the cluster admin.</param>
    /// <param name="name">The principal's name.</param>
    /// <param name="kind">User or agent.</param>
    /// <param name="role">Its role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key (shown once).</returns>
    /// <exception cref="AccessDeniedException">The caller is not an admin of the tenant.</exception>
    /// <exception cref="GovernanceNotFoundException">The tenant does not exist.</exception>
    /// <exception cref="GovernanceConflictException">A principal of that name exists.</exception>
    Task<IssuedApiKey> AddPrincipalAsync(Caller caller, string name, PrincipalKind kind, TenantRole role, CancellationToken cancellationToken = default);

    /// <summary>Issues another API key to a principal.</summary>
    /// <param name="caller">A tenant admin, the cluster admin, or the principal itself.</param>
    /// <param name="name">The principal.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key (shown once).</returns>
    /// <exception cref="AccessDeniedException">The caller may not.</exception>
    /// <exception cref="GovernanceNotFoundException">No such tenant or principal.</exception>
    Task<IssuedApiKey> IssueKeyAsync(Caller caller, string name, CancellationToken cancellationToken = default);

    /// <summary>Revokes an API key: from now on it is refused.</summary>
    /// <param name="caller">A tenant admin, the cluster admin, or the key's principal.</param>
    /// <param name="keyId">The key id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the revocation is durable.</returns>
    /// <exception cref="AccessDeniedException">The caller may not.</exception>
    /// <exception cref="GovernanceNotFoundException">No such key (or already revoked).</exception>
    Task RevokeKeyAsync(Caller caller, string keyId, CancellationToken cancellationToken = default);

    /// <summary>Checks an API key's id and secret.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="secret">The secret part of the key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The caller the key stands for, or null when the key is unknown, revoked or wrong.</returns>
    Task<Caller?> AuthenticateAsync(string keyId, string secret, CancellationToken cancellationToken = default);

    /// <summary>Lists the tenant's users and agents.</summary>
    /// <param name="caller">A tenant admin or the cluster admin.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The principals by name.</returns>
    /// <exception cref="AccessDeniedException">The caller may not.</exception>
    /// <exception cref="GovernanceNotFoundException">No such tenant.</exception>
    Task<PrincipalList> ListPrincipalsAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Removes a principal from governance: revokes its keys, drops the grants to it and its ownership of spaces.
    /// The caller then erases its memories (<see cref="IMemSchedulerGrain.EraseAsync"/>).</summary>
    /// <param name="caller">A tenant admin or the cluster admin.</param>
    /// <param name="name">The principal (it need not be registered: an application's end user has a private space without
    /// a key).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The shared spaces of the tenant (where its memories may also be).</returns>
    /// <exception cref="AccessDeniedException">The caller may not.</exception>
    /// <exception cref="GovernanceNotFoundException">No such tenant.</exception>
    Task<IReadOnlyList<string>> RemovePrincipalAsync(Caller caller, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates a shared space; the caller owns it (admin right).</summary>
    /// <param name="caller">A member or admin of the tenant.</param>
    /// <param name="space">The space name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The space.</returns>
    /// <exception cref="AccessDeniedException">The caller is a reader or of another tenant.</exception>
    /// <exception cref="GovernanceConflictException">The space exists.</exception>
    Task<SpaceRecord> CreateSpaceAsync(Caller caller, string space, CancellationToken cancellationToken = default);

    /// <summary>Returns a shared space.</summary>
    /// <param name="caller">Anyone with a right on it.</param>
    /// <param name="space">The space name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The space and its grants.</returns>
    /// <exception cref="GovernanceNotFoundException">No such space, or the caller has no right on it.</exception>
    Task<SpaceRecord> GetSpaceAsync(Caller caller, string space, CancellationToken cancellationToken = default);

    /// <summary>Lists the shared spaces the caller can read.</summary>
    /// <param name="caller">A caller of the tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The spaces by name.</returns>
    Task<SpaceList> ListSpacesAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Grants a right on a space to a principal of the tenant (replacing its previous grant there).</summary>
    /// <param name="caller">Someone with the admin right on the space.</param>
    /// <param name="space">The space name.</param>
    /// <param name="principal">A registered user or agent of the tenant.</param>
    /// <param name="right">Read, write or admin.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The space.</returns>
    /// <exception cref="AccessDeniedException">The caller lacks the admin right on the space.</exception>
    /// <exception cref="GovernanceNotFoundException">No such space or principal.</exception>
    /// <exception cref="ArgumentException"><paramref name="right"/> is None.</exception>
    Task<SpaceRecord> GrantAsync(Caller caller, string space, string principal, SpaceRight right, CancellationToken cancellationToken = default);

    /// <summary>Revokes a principal's grant on a space.</summary>
    /// <param name="caller">Someone with the admin right on the space.</param>
    /// <param name="space">The space name.</param>
    /// <param name="principal">The principal.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The space.</returns>
    /// <exception cref="AccessDeniedException">The caller lacks the admin right on the space.</exception>
    /// <exception cref="GovernanceNotFoundException">No such space, or no grant to that principal.</exception>
    Task<SpaceRecord> RevokeGrantAsync(Caller caller, string space, string principal, CancellationToken cancellationToken = default);

    /// <summary>Removes a shared space from governance (its memories are erased by the caller through
    /// <see cref="IMemSchedulerGrain.EraseAsync"/> first).</summary>
    /// <param name="caller">Someone with the admin right on the space.</param>
    /// <param name="space">The space name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when removed.</returns>
    /// <exception cref="AccessDeniedException">The caller lacks the admin right on the space.</exception>
    /// <exception cref="GovernanceNotFoundException">No such space.</exception>
    Task RemoveSpaceAsync(Caller caller, string space, CancellationToken cancellationToken = default);

    /// <summary>The right a principal holds on a space of this tenant: an admin holds every right; a user or agent holds
    /// the admin right on its own private space (<c>u:{name}</c>) and on shared spaces it created, and what was granted
    /// to it elsewhere; a reader's rights are capped at read.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="spaceKey">A space key: <c>u:{user}</c> or <c>s:{space}</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The right (None for a caller of another tenant or a space that does not exist).</returns>
    Task<SpaceRight> GetRightAsync(Caller caller, string spaceKey, CancellationToken cancellationToken = default);

    /// <summary>The caller's current role in this tenant: its registered role (not the one it was authenticated with),
    /// admin for the cluster admin and the open mode's caller, null for anyone else.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The role, or null.</returns>
    Task<TenantRole?> GetRoleAsync(Caller caller, CancellationToken cancellationToken = default);
}
