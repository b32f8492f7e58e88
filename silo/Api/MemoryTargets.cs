using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Runtime;

namespace MemOS.Silo.Api;

/// <summary>Which space a memory request addresses: its <c>space</c> (a shared space's name or <c>u:{user}</c>) when it
/// names one, else the private space of its <c>user</c>, else the caller's own private space. The tenant is always the
/// caller's (a key never reaches another tenant); the space's MemScheduler checks the caller's right itself.</summary>
internal static class MemoryTargets
{
    /// <summary>The space key a request addresses.</summary>
    /// <exception cref="RequestValidationException">The space or user is invalid, or neither is given and the caller has no
    /// private space of its own (an admin key must name the user).</exception>
    public static string SpaceKey(Caller caller, string? user, string? space)
    {
        if (space is not null)
        {
            return MemCubeKeys.TryParseSpace(space, out var key)
                ? key
                : throw RequestValidation.Invalid("space",
                    $"'{space}' is not a space: a shared space's name or 'u:{{user}}', of 1-{MemCubeKeys.MaxNameLength} ASCII letters, digits, '-', '_' or '.'.");
        }

        if (user is not null || caller.IsClusterAdmin || caller.PrincipalId == Caller.OpenModePrincipal)
        {
            return MemCubeKeys.PrivateSpace(RequestValidation.RequireUser(user));
        }

        return MemCubeKeys.PrivateSpace(caller.PrincipalId);
    }

    /// <summary>The MemScheduler of the space a request addresses.</summary>
    /// <exception cref="AccessDeniedException">The caller is the cluster admin (it has no tenant).</exception>
    public static IMemSchedulerGrain Scheduler(IGrainFactory grains, Caller caller, string? user, string? space)
        => grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.SpaceScheduler(TenantOf(caller), SpaceKey(caller, user, space)));

    /// <summary>The MemScheduler of a space of the caller's tenant.</summary>
    public static IMemSchedulerGrain Scheduler(IGrainFactory grains, Caller caller, string spaceKey)
        => grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.SpaceScheduler(TenantOf(caller), spaceKey));

    /// <summary>The caller's tenant.</summary>
    /// <exception cref="AccessDeniedException">The caller is the cluster admin.</exception>
    public static string TenantOf(Caller caller)
        => caller.IsClusterAdmin
            ? throw new AccessDeniedException("The cluster admin key manages tenants; memories are reached with a tenant's API key.")
            : caller.TenantId;

    /// <summary>How a space key is shown to clients: <c>u:{user}</c>, or a shared space's bare name.</summary>
    public static string Display(string spaceKey)
        => spaceKey.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal) ? spaceKey[MemCubeKeys.SharedSpacePrefix.Length..] : spaceKey;
}
