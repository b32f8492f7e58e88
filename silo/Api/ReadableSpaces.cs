using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Runtime;
using Microsoft.Extensions.Caching.Memory;

namespace MemOS.Silo.Api;

/// <summary>The shared spaces a caller can read, as a search without <c>space</c> fans out over them, cached per silo for
/// <see cref="TimeToLive"/> so that a search does not ask the tenant's governance grain (often on another silo) every
/// time. The cache only chooses where to look: each space's MemScheduler still checks the caller's right itself, so a
/// stale entry can at most miss a space granted within the last <see cref="TimeToLive"/> through another silo (changes
/// made through this silo clear the tenant's entries at once), never show a space whose grant was revoked.</summary>
public sealed class ReadableSpaces(IMemoryCache cache, IGrainFactory grains)
{
    /// <summary>How long a caller's list is reused.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(2);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);

    /// <summary>The names of the shared spaces the caller can read.</summary>
    /// <param name="caller">A caller of a tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The space names.</returns>
    public async Task<IReadOnlyList<string>> GetAsync(Caller caller, CancellationToken cancellationToken)
    {
        var key = (caller.TenantId, caller.PrincipalId, caller.Role, _generations.GetValueOrDefault(caller.TenantId));
        if (cache.TryGetValue(key, out IReadOnlyList<string>? spaces) && spaces is not null)
        {
            return spaces;
        }

        var list = await grains.GetGrain<ITenantGrain>(caller.TenantId).ListSpacesAsync(caller, cancellationToken);
        spaces = [.. list.Spaces.Select(static s => s.Space)];
        cache.Set(key, spaces, TimeToLive);
        return spaces;
    }

    /// <summary>Forgets every cached list of a tenant (after a space or grant changed through this silo).</summary>
    /// <param name="tenantId">The tenant.</param>
    public void Invalidate(string tenantId) => _generations.AddOrUpdate(tenantId, 1, static (_, g) => g + 1);
}
