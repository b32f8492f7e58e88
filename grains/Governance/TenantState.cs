using MemOS.Grains.Interfaces.Governance;

namespace MemOS.Grains.Governance;

/// <summary>The stored state of a <see cref="TenantGrain"/>. Collections are replaced, never changed in place, so a
/// failed write can put the previous state back.</summary>
public sealed record TenantState
{
    /// <summary>Whether the tenant was created.</summary>
    public bool Exists { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Users and agents by name (ordinal).</summary>
    public Dictionary<string, PrincipalEntry> Principals { get; init; } = new(StringComparer.Ordinal);

    /// <summary>API keys by key id, revoked ones included (so a revoked id is never reissued).</summary>
    public Dictionary<string, ApiKeyEntry> Keys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Shared spaces by name.</summary>
    public Dictionary<string, SpaceEntry> Spaces { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Grants by space key (<c>u:{user}</c> or <c>s:{space}</c>), then by principal.</summary>
    public Dictionary<string, Dictionary<string, SpaceRight>> Grants { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>A user or agent.</summary>
/// <param name="Kind">User or agent.</param>
/// <param name="Role">Its role.</param>
/// <param name="CreatedAt">When it was added.</param>
public sealed record PrincipalEntry(PrincipalKind Kind, TenantRole Role, DateTimeOffset CreatedAt);

/// <summary>An API key: whose it is and the salted SHA-256 of its secret.</summary>
/// <param name="Principal">The principal.</param>
/// <param name="Salt">16 random bytes, base64.</param>
/// <param name="Hash">SHA-256(salt || UTF-8 secret), base64.</param>
/// <param name="CreatedAt">When issued.</param>
/// <param name="RevokedAt">When revoked, or null.</param>
public sealed record ApiKeyEntry(string Principal, string Salt, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt = null);

/// <summary>A shared space.</summary>
/// <param name="Owner">Its creator, or null after that principal was erased.</param>
/// <param name="CreatedAt">When created.</param>
public sealed record SpaceEntry(string? Owner, DateTimeOffset CreatedAt);
