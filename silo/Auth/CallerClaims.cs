using System.Security.Claims;
using MemOS.Grains.Interfaces.Governance;

namespace MemOS.Silo.Auth;

/// <summary>The claims the API key handler issues, and the <see cref="Caller"/> they stand for.</summary>
public static class CallerClaims
{
    /// <summary>The authentication scheme name.</summary>
    public const string Scheme = "MemOSApiKey";

    /// <summary>The tenant claim.</summary>
    public const string Tenant = "memos:tenant";

    /// <summary>The principal claim (also <see cref="ClaimTypes.Name"/>).</summary>
    public const string Principal = "memos:principal";

    /// <summary>The tenant role claim (<c>reader</c>, <c>member</c>, <c>admin</c>).</summary>
    public const string Role = "memos:role";

    /// <summary>Present (<c>true</c>) for the cluster admin.</summary>
    public const string ClusterAdmin = "memos:cluster-admin";

    /// <summary>Builds the identity of a caller.</summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <returns>The principal.</returns>
    public static ClaimsPrincipal ToPrincipal(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, caller.AuditName),
            new(Tenant, caller.TenantId),
            new(Principal, caller.PrincipalId),
            new(Role, caller.Role.ToString()),
        };
        if (caller.IsClusterAdmin)
        {
            claims.Add(new Claim(ClusterAdmin, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    /// <summary>The caller an authenticated request stands for.</summary>
    /// <param name="user">The request's user (<c>HttpContext.User</c>).</param>
    /// <returns>The caller.</returns>
    /// <exception cref="InvalidOperationException">The request was not authenticated by <see cref="Scheme"/> (a route
    /// mapped without authorization).</exception>
    public static Caller ToCaller(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tenant = user.FindFirstValue(Tenant);
        var principal = user.FindFirstValue(Principal);
        if (tenant is null || principal is null || !Enum.TryParse<TenantRole>(user.FindFirstValue(Role), out var role))
        {
            throw new InvalidOperationException("The request carries no MemOS caller: its route is not mapped with authorization.");
        }

        return new Caller(tenant, principal, role, user.HasClaim(ClusterAdmin, "true"));
    }
}
