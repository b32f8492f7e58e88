using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Runtime;

namespace MemOS.Grains.Governance;

/// <summary>The governance of one tenant (see <see cref="ITenantGrain"/>): every change is written before the call
/// returns and then recorded in the tenant's audit log; refusals are recorded too.</summary>
[GrainType(GrainTypeName)]
public sealed class TenantGrain : Grain, ITenantGrain
{
    /// <summary>The grain type name.</summary>
    public const string GrainTypeName = "memtenant";

    /// <summary>The state name.</summary>
    public const string StateName = "tenant";

    /// <summary>Names no principal may take: the audit log's name for the silo, and the open mode's caller.</summary>
    public static readonly IReadOnlySet<string> ReservedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        AuditOutcomes.SystemPrincipal, Caller.OpenModePrincipal,
    };

    private readonly IPersistentState<TenantState> _state;

    /// <summary>Creates the grain; the runtime binds <paramref name="state"/> to storage.</summary>
    /// <param name="state">The persisted tenant.</param>
    public TenantGrain([PersistentState(StateName)] IPersistentState<TenantState> state) => _state = state;

    private string TenantId => GetPrimaryKeyString();

    private IAuditLogGrain Audit => GrainFactory.GetGrain<IAuditLogGrain>(TenantId);

    /// <inheritdoc />
    public async Task<IssuedApiKey> CreateAsync(Caller caller, string adminName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        MemCubeKeys.RequireName(adminName, nameof(adminName));
        if (!caller.IsClusterAdmin)
        {
            throw await DeniedAsync(caller, "tenant.create", "tenant:" + TenantId, "Only the cluster admin creates tenants.", cancellationToken);
        }

        if (_state.State.Exists)
        {
            throw new GovernanceConflictException($"Tenant '{TenantId}' already exists.");
        }

        var now = TimeProvider.GetUtcNow();
        var (keyId, secret, entry) = NewKey(adminName, now);
        await _state.CommitAsync(_state.State with
        {
            Exists = true,
            CreatedAt = now,
            Principals = new(StringComparer.Ordinal) { [adminName] = new PrincipalEntry(PrincipalKind.User, TenantRole.Admin, now) },
            Keys = new(StringComparer.Ordinal) { [keyId] = entry },
        }, cancellationToken);
        await Audit.AppendAsync(caller.AuditName, "tenant.create", "tenant:" + TenantId, AuditOutcomes.Ok, "admin=" + adminName, cancellationToken);
        return new IssuedApiKey(Record(adminName), keyId, ApiKeyFormat.Format(TenantId, keyId, secret));
    }

    /// <inheritdoc />
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (!_state.State.Exists)
        {
            await _state.CommitAsync(_state.State with { Exists = true, CreatedAt = TimeProvider.GetUtcNow() }, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<IssuedApiKey> AddPrincipalAsync(
        Caller caller, string name, PrincipalKind kind, TenantRole role, CancellationToken cancellationToken = default)
    {
        await RequireTenantAdminAsync(caller, "principal.create", "user:" + name, cancellationToken);
        MemCubeKeys.RequireName(name, nameof(name));
        if (ReservedNames.Contains(name))
        {
            throw new ArgumentException($"'{name}' is reserved.", nameof(name));
        }

        if (_state.State.Principals.ContainsKey(name))
        {
            throw new GovernanceConflictException($"Tenant '{TenantId}' already has a user or agent '{name}'.");
        }

        var now = TimeProvider.GetUtcNow();
        var (keyId, secret, entry) = NewKey(name, now);
        await _state.CommitAsync(_state.State with
        {
            Principals = new(_state.State.Principals, StringComparer.Ordinal) { [name] = new PrincipalEntry(kind, role, now) },
            Keys = new(_state.State.Keys, StringComparer.Ordinal) { [keyId] = entry },
        }, cancellationToken);
        await Audit.AppendAsync(caller.AuditName, "principal.create", "user:" + name, AuditOutcomes.Ok,
            $"kind={kind.ToString().ToLowerInvariant()} role={role.ToString().ToLowerInvariant()} key={keyId}", cancellationToken);
        return new IssuedApiKey(Record(name), keyId, ApiKeyFormat.Format(TenantId, keyId, secret));
    }

    /// <inheritdoc />
    public async Task<IssuedApiKey> IssueKeyAsync(Caller caller, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireExists();
        if (!IsAdmin(caller) && !(caller.BelongsTo(TenantId) && caller.PrincipalId == name))
        {
            throw await DeniedAsync(caller, "key.create", "user:" + name, "Only a tenant admin or the principal itself issues its keys.", cancellationToken);
        }

        if (!_state.State.Principals.ContainsKey(name))
        {
            throw new GovernanceNotFoundException($"Tenant '{TenantId}' has no user or agent '{name}'.");
        }

        var now = TimeProvider.GetUtcNow();
        var (keyId, secret, entry) = NewKey(name, now);
        await _state.CommitAsync(_state.State with { Keys = new(_state.State.Keys, StringComparer.Ordinal) { [keyId] = entry } }, cancellationToken);
        await Audit.AppendAsync(caller.AuditName, "key.create", "key:" + keyId, AuditOutcomes.Ok, "principal=" + name, cancellationToken);
        return new IssuedApiKey(Record(name), keyId, ApiKeyFormat.Format(TenantId, keyId, secret));
    }

    /// <inheritdoc />
    public async Task RevokeKeyAsync(Caller caller, string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireExists();
        if (!_state.State.Keys.TryGetValue(keyId ?? "", out var key) || key.RevokedAt is not null)
        {
            throw new GovernanceNotFoundException($"Tenant '{TenantId}' has no active API key '{keyId}'.");
        }

        if (!IsAdmin(caller) && !(caller.BelongsTo(TenantId) && caller.PrincipalId == key.Principal))
        {
            throw await DeniedAsync(caller, "key.revoke", "key:" + keyId, "Only a tenant admin or the key's principal revokes it.", cancellationToken);
        }

        await _state.CommitAsync(_state.State with
        {
            Keys = new(_state.State.Keys, StringComparer.Ordinal) { [keyId!] = key with { RevokedAt = TimeProvider.GetUtcNow() } },
        }, cancellationToken);
        await Audit.AppendAsync(caller.AuditName, "key.revoke", "key:" + keyId, AuditOutcomes.Ok, "principal=" + key.Principal, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Caller?> AuthenticateAsync(string keyId, string secret, CancellationToken cancellationToken = default)
    {
        var state = _state.State;
        if (!state.Exists || keyId is null || secret is null || !state.Keys.TryGetValue(keyId, out var key) || key.RevokedAt is not null
            || !state.Principals.TryGetValue(key.Principal, out var principal))
        {
            return Task.FromResult<Caller?>(null);
        }

        var expected = Convert.FromBase64String(key.Hash);
        var actual = Hash(Convert.FromBase64String(key.Salt), secret);
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(expected, actual)
            ? new Caller(TenantId, key.Principal, principal.Role)
            : null);
    }

    /// <inheritdoc />
    public async Task<PrincipalList> ListPrincipalsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await RequireTenantAdminAsync(caller, "principal.list", "tenant:" + TenantId, cancellationToken);
        return new PrincipalList([.. _state.State.Principals.Keys.Order(StringComparer.Ordinal).Select(Record)]);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> RemovePrincipalAsync(Caller caller, string name, CancellationToken cancellationToken = default)
    {
        await RequireTenantAdminAsync(caller, "user.erase", "user:" + name, cancellationToken);
        MemCubeKeys.RequireName(name, nameof(name));
        var state = _state.State;
        var now = TimeProvider.GetUtcNow();
        var keys = state.Keys.ToDictionary(
            static p => p.Key, p => p.Value.Principal == name && p.Value.RevokedAt is null ? p.Value with { RevokedAt = now } : p.Value, StringComparer.Ordinal);
        var principals = new Dictionary<string, PrincipalEntry>(state.Principals, StringComparer.Ordinal);
        principals.Remove(name);
        var grants = state.Grants
            .Where(g => g.Key != MemCubeKeys.PrivateSpace(name))
            .Select(g => (g.Key, Rights: g.Value.Where(r => r.Key != name).ToDictionary(static r => r.Key, static r => r.Value, StringComparer.Ordinal)))
            .Where(static g => g.Rights.Count > 0)
            .ToDictionary(static g => g.Key, static g => g.Rights, StringComparer.Ordinal);
        var spaces = state.Spaces.ToDictionary(
            static s => s.Key, s => s.Value.Owner == name ? s.Value with { Owner = null } : s.Value, StringComparer.Ordinal);
        await _state.CommitAsync(state with { Keys = keys, Principals = principals, Grants = grants, Spaces = spaces }, cancellationToken);
        return [.. spaces.Keys.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<SpaceRecord> CreateSpaceAsync(Caller caller, string space, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        MemCubeKeys.RequireName(space, nameof(space));
        RequireExists();
        var role = RoleOf(caller);
        if (role is null or TenantRole.Reader)
        {
            throw await DeniedAsync(caller, "space.create", "space:s:" + space, "Readers cannot create spaces.", cancellationToken);
        }

        if (_state.State.Spaces.ContainsKey(space))
        {
            throw new GovernanceConflictException($"Tenant '{TenantId}' already has a space '{space}'.");
        }

        var owner = caller.IsClusterAdmin ? null : caller.PrincipalId;
        await _state.CommitAsync(_state.State with
        {
            Spaces = new(_state.State.Spaces, StringComparer.Ordinal) { [space] = new SpaceEntry(owner, TimeProvider.GetUtcNow()) },
        }, cancellationToken);
        await Audit.AppendAsync(caller.AuditName, "space.create", "space:s:" + space, AuditOutcomes.Ok, null, cancellationToken);
        return SpaceOf(caller, space);
    }

    /// <inheritdoc />
    public Task<SpaceRecord> GetSpaceAsync(Caller caller, string space, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!_state.State.Spaces.ContainsKey(space ?? "") || Right(caller, MemCubeKeys.SharedSpacePrefix + space) == SpaceRight.None)
        {
            throw new GovernanceNotFoundException($"No space '{space}' is visible to '{caller.AuditName}'.");
        }

        return Task.FromResult(SpaceOf(caller, space!));
    }

    /// <inheritdoc />
    public Task<SpaceList> ListSpacesAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Task.FromResult(new SpaceList([.. _state.State.Spaces.Keys.Order(StringComparer.Ordinal)
            .Where(s => Right(caller, MemCubeKeys.SharedSpacePrefix + s) >= SpaceRight.Read)
            .Select(s => SpaceOf(caller, s))]));
    }

    /// <inheritdoc />
    public async Task<SpaceRecord> GrantAsync(
        Caller caller, string space, string principal, SpaceRight right, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (right == SpaceRight.None)
        {
            throw new ArgumentException("A grant is read, write or admin.", nameof(right));
        }

        var spaceKey = await RequireSpaceAdminAsync(caller, space, "space.grant", cancellationToken);
        if (!_state.State.Principals.ContainsKey(principal ?? ""))
        {
            throw new GovernanceNotFoundException($"Tenant '{TenantId}' has no user or agent '{principal}'.");
        }

        var rights = _state.State.Grants.TryGetValue(spaceKey, out var held)
            ? new Dictionary<string, SpaceRight>(held, StringComparer.Ordinal)
            : new Dictionary<string, SpaceRight>(StringComparer.Ordinal);
        rights[principal!] = right;
        await _state.CommitAsync(_state.State with
        {
            Grants = new(_state.State.Grants, StringComparer.Ordinal) { [spaceKey] = rights },
        }, cancellationToken);
        await Audit.AppendAsync(caller.AuditName, "space.grant", "space:" + spaceKey, AuditOutcomes.Ok,
            $"principal={principal} right={right.ToString().ToLowerInvariant()}", cancellationToken);
        return SpaceOf(caller, spaceKey);
    }

    /// <inheritdoc />
    public async Task<SpaceRecord> RevokeGrantAsync(Caller caller, string space, string principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var spaceKey = await RequireSpaceAdminAsync(caller, space, "space.revoke", cancellationToken);
        if (!_state.State.Grants.TryGetValue(spaceKey, out var held) || !held.ContainsKey(principal ?? ""))
        {
            throw new GovernanceNotFoundException($"'{principal}' holds no grant on '{space}'.");
        }

        var rights = new Dictionary<string, SpaceRight>(held, StringComparer.Ordinal);
        rights.Remove(principal!);
        var grants = new Dictionary<string, Dictionary<string, SpaceRight>>(_state.State.Grants, StringComparer.Ordinal);
        if (rights.Count == 0)
        {
            grants.Remove(spaceKey);
        }
        else
        {
            grants[spaceKey] = rights;
        }

        await _state.CommitAsync(_state.State with { Grants = grants }, cancellationToken);
        await Audit.AppendAsync(caller.AuditName, "space.revoke", "space:" + spaceKey, AuditOutcomes.Ok, "principal=" + principal, cancellationToken);
        return SpaceOf(caller, spaceKey);
    }

    /// <inheritdoc />
    public async Task RemoveSpaceAsync(Caller caller, string space, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var spaceKey = await RequireSpaceAdminAsync(caller, space, "space.erase", cancellationToken);
        if (!spaceKey.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("A private space is erased with its user.", nameof(space));
        }

        var spaces = new Dictionary<string, SpaceEntry>(_state.State.Spaces, StringComparer.Ordinal);
        spaces.Remove(spaceKey[MemCubeKeys.SharedSpacePrefix.Length..]);
        var grants = new Dictionary<string, Dictionary<string, SpaceRight>>(_state.State.Grants, StringComparer.Ordinal);
        grants.Remove(spaceKey);
        await _state.CommitAsync(_state.State with { Spaces = spaces, Grants = grants }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SpaceRight> GetRightAsync(Caller caller, string spaceKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Task.FromResult(Right(caller, spaceKey ?? ""));
    }

    /// <inheritdoc />
    public Task<TenantRole?> GetRoleAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Task.FromResult(_state.State.Exists ? RoleOf(caller) : null);
    }

    /// <summary>The right of <paramref name="caller"/> on a space key, from the current state (see
    /// <see cref="ITenantGrain.GetRightAsync"/>).</summary>
    private SpaceRight Right(Caller caller, string spaceKey)
    {
        var state = _state.State;
        var shared = spaceKey.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal);
        SpaceEntry? space = null;
        if (!state.Exists || (shared && !state.Spaces.TryGetValue(spaceKey[MemCubeKeys.SharedSpacePrefix.Length..], out space))
            || (!shared && !spaceKey.StartsWith(MemCubeKeys.PrivateSpacePrefix, StringComparison.Ordinal)))
        {
            return SpaceRight.None;
        }

        var role = RoleOf(caller);
        if (role is null)
        {
            return SpaceRight.None;
        }

        if (role == TenantRole.Admin)
        {
            return SpaceRight.Admin;
        }

        var right = SpaceRight.None;
        if ((shared && space!.Owner == caller.PrincipalId) || (!shared && spaceKey == MemCubeKeys.PrivateSpacePrefix + caller.PrincipalId))
        {
            right = SpaceRight.Admin;
        }
        else if (state.Grants.TryGetValue(spaceKey, out var rights) && rights.TryGetValue(caller.PrincipalId, out var granted))
        {
            right = granted;
        }

        return role == TenantRole.Reader && right > SpaceRight.Read ? SpaceRight.Read : right;
    }

    /// <summary>The caller's current role here: the cluster admin and the open mode's anonymous caller are admins; a
    /// principal's registered role (not the one it was authenticated with); null for strangers and erased principals.</summary>
    private TenantRole? RoleOf(Caller caller)
    {
        if (caller.IsClusterAdmin)
        {
            return TenantRole.Admin;
        }

        if (!caller.BelongsTo(TenantId))
        {
            return null;
        }

        if (_state.State.Principals.TryGetValue(caller.PrincipalId, out var principal))
        {
            return principal.Role;
        }

        return caller.PrincipalId == Caller.OpenModePrincipal ? caller.Role : null;
    }

    private bool IsAdmin(Caller caller) => RoleOf(caller) == TenantRole.Admin;

    private async Task RequireTenantAdminAsync(Caller caller, string action, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireExists();
        if (!IsAdmin(caller))
        {
            throw await DeniedAsync(caller, action, target, $"Only an admin of tenant '{TenantId}' may do this.", cancellationToken);
        }
    }

    private async Task<string> RequireSpaceAdminAsync(Caller caller, string space, string action, CancellationToken cancellationToken)
    {
        RequireExists();
        if (!MemCubeKeys.TryParseSpace(space, out var spaceKey)
            || (spaceKey.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal) && !_state.State.Spaces.ContainsKey(space)))
        {
            throw new GovernanceNotFoundException($"Tenant '{TenantId}' has no space '{space}'.");
        }

        var right = Right(caller, spaceKey);
        if (right < SpaceRight.Admin)
        {
            if (right == SpaceRight.None && spaceKey.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal))
            {
                // A space the caller cannot see at all is not confirmed to exist.
                await Audit.AppendAsync(caller.AuditName, action, "space:" + spaceKey, AuditOutcomes.Denied, null, cancellationToken);
                throw new GovernanceNotFoundException($"Tenant '{TenantId}' has no space '{space}'.");
            }

            throw await DeniedAsync(caller, action, "space:" + spaceKey, $"'{caller.AuditName}' lacks the admin right on space '{space}'.", cancellationToken);
        }

        return spaceKey;
    }

    private async Task<AccessDeniedException> DeniedAsync(Caller caller, string action, string target, string reason, CancellationToken cancellationToken)
    {
        // A caller of another tenant leaves no trace in this tenant's log (it could flood it); the silo logs it.
        if (caller.BelongsTo(TenantId) && _state.State.Exists)
        {
            await Audit.AppendAsync(caller.AuditName, action, target, AuditOutcomes.Denied, null, cancellationToken);
        }

        return new AccessDeniedException(reason);
    }

    private void RequireExists()
    {
        if (!_state.State.Exists)
        {
            throw new GovernanceNotFoundException($"Tenant '{TenantId}' does not exist.");
        }
    }

    private PrincipalRecord Record(string name)
    {
        var principal = _state.State.Principals[name];
        var keys = _state.State.Keys.Where(k => k.Value.Principal == name && k.Value.RevokedAt is null)
            .Select(static k => k.Key).Order(StringComparer.Ordinal).ToList();
        return new PrincipalRecord(TenantId, name, principal.Kind, principal.Role, principal.CreatedAt, keys);
    }

    private SpaceRecord SpaceOf(Caller caller, string spaceOrKey)
    {
        var spaceKey = spaceOrKey.Contains(':') ? spaceOrKey : MemCubeKeys.SharedSpacePrefix + spaceOrKey;
        var shared = spaceKey.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal);
        var name = shared ? spaceKey[MemCubeKeys.SharedSpacePrefix.Length..] : spaceKey;
        var entry = shared
            ? _state.State.Spaces[name]
            : new SpaceEntry(spaceKey[MemCubeKeys.PrivateSpacePrefix.Length..], _state.State.CreatedAt);
        var grants = _state.State.Grants.TryGetValue(spaceKey, out var rights)
            ? rights.OrderBy(static r => r.Key, StringComparer.Ordinal).Select(static r => new SpaceGrant(r.Key, r.Value)).ToList()
            : [];
        return new SpaceRecord(TenantId, name, entry.Owner, entry.CreatedAt, grants, Right(caller, spaceKey));
    }

    private static (string KeyId, string Secret, ApiKeyEntry Entry) NewKey(string principal, DateTimeOffset now)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(ApiKeyFormat.KeyIdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var salt = RandomNumberGenerator.GetBytes(16);
        return (keyId, secret, new ApiKeyEntry(principal, Convert.ToBase64String(salt), Convert.ToBase64String(Hash(salt, secret)), now));
    }

    private static byte[] Hash(byte[] salt, string secret)
    {
        var input = new byte[salt.Length + Encoding.UTF8.GetMaxByteCount(secret.Length)];
        salt.CopyTo(input, 0);
        var length = salt.Length + Encoding.UTF8.GetBytes(secret, input.AsSpan(salt.Length));
        return SHA256.HashData(input.AsSpan(0, length));
    }
}
