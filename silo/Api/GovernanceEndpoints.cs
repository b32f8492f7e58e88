using System.Security.Claims;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Runtime;
using MemOS.Runtime.Storage;
using MemOS.Silo.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MemOS.Silo.Api;

/// <summary>The governance routes (MemGovernance): tenants, users and agents with their API keys, shared spaces and
/// grants, the audit log, and erasure of a user or a space. Handlers validate input and call the tenant's governance
/// grain, which checks the caller's role itself.</summary>
public static class GovernanceEndpoints
{
    /// <summary>The default page size of <c>GET /v1/audit</c>.</summary>
    public const int DefaultAuditPage = 100;

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The <c>/v1</c> route group.</returns>
    public static RouteGroupBuilder MapGovernanceEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("governance");
        v1.MapPost("/tenants", CreateTenantAsync).WithSummary("Create a tenant and its first admin user (cluster admin); returns the admin's API key once.");
        v1.MapPost("/tenants/{tenant}/users", CreatePrincipalAsync)
            .WithSummary("Add a user or agent with a role (tenant admin); returns its API key once.");
        v1.MapGet("/tenants/{tenant}/users", ListPrincipalsAsync).WithSummary("The tenant's users and agents (tenant admin).");
        v1.MapDelete("/tenants/{tenant}/users/{user}", EraseUserAsync)
            .WithSummary("Erase a user: revoke its keys and grants, destroy its private space and the memories it wrote in shared spaces.");
        v1.MapPost("/tenants/{tenant}/users/{user}/keys", IssueKeyAsync).WithSummary("Issue another API key (tenant admin or the user itself).");
        v1.MapDelete("/tenants/{tenant}/keys/{keyId}", RevokeKeyAsync).WithSummary("Revoke an API key (tenant admin or its user).");
        v1.MapPost("/spaces", CreateSpaceAsync).WithSummary("Create a shared space in the caller's tenant; the caller administers it.");
        v1.MapGet("/spaces", ListSpacesAsync).WithSummary("The shared spaces the caller can read.");
        v1.MapGet("/spaces/{space}", GetSpaceAsync).WithSummary("A space and its grants.");
        v1.MapDelete("/spaces/{space}", EraseSpaceAsync).WithSummary("Erase a shared space and every memory in it (space admin).");
        v1.MapPost("/spaces/{space}/grants", GrantAsync).WithSummary("Grant read, write or admin on a space to a user or agent of the tenant.");
        v1.MapDelete("/spaces/{space}/grants/{principal}", RevokeGrantAsync).WithSummary("Revoke a principal's grant on a space.");
        v1.MapGet("/audit", AuditAsync).WithSummary("The tenant's audit log, oldest first (tenant admin): ?after=<the previous page's next>&limit=<1-1000>.");
        return v1;
    }

    private static async Task<Created<IssuedApiKey>> CreateTenantAsync(
        CreateTenantRequest request, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var tenant = RequireName(request.Tenant, "tenant");
        var admin = RequireName(request.Admin ?? "admin", "admin");
        var issued = await grains.GetGrain<ITenantGrain>(tenant).CreateAsync(caller, admin, cancellationToken);
        return TypedResults.Created($"/v1/tenants/{tenant}", issued);
    }

    private static async Task<Created<IssuedApiKey>> CreatePrincipalAsync(
        string tenant, CreatePrincipalRequest request, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var name = RequireName(request.Name, "name");
        var issued = await Tenant(grains, caller, tenant).AddPrincipalAsync(
            caller, name, request.Kind ?? PrincipalKind.User, request.Role ?? TenantRole.Member, cancellationToken);
        return TypedResults.Created($"/v1/tenants/{tenant}/users/{name}", issued);
    }

    private static async Task<Ok<PrincipalList>> ListPrincipalsAsync(
        string tenant, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        return TypedResults.Ok(await Tenant(grains, caller, tenant).ListPrincipalsAsync(caller, cancellationToken));
    }

    private static async Task<Ok<ErasureReport>> EraseUserAsync(
        string tenant, string user, IGrainFactory grains, IGrainStorage storage, ReadableSpaces readableSpaces, ClaimsPrincipal principal,
        CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        RequireName(user, "user");
        var governance = Tenant(grains, caller, tenant);
        var audit = grains.GetGrain<IAuditLogGrain>(tenant);

        // Governance first (keys and grants revoked: nothing new can be written as or for the user), then the memories:
        // its private space, and what it wrote in each shared space. A failure part-way is retried by repeating the call.
        var sharedSpaces = await governance.RemovePrincipalAsync(caller, user, cancellationToken);
        readableSpaces.Invalidate(tenant);
        var report = await grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler(tenant, user)).EraseAsync(null, cancellationToken, caller);
        var (memories, activations, adapters) = (report.MemoriesErased, report.ActivationsErased, report.AdaptersErased);
        foreach (var space in sharedSpaces)
        {
            var shared = await grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.SpaceScheduler(tenant, MemCubeKeys.SharedSpace(space)))
                .EraseAsync(user, cancellationToken, caller);
            (memories, activations, adapters) = (memories + shared.MemoriesErased, activations + shared.ActivationsErased, adapters + shared.AdaptersErased);
        }

        await CompactAsync(storage, cancellationToken);
        await audit.AppendAsync(caller.AuditName, "user.erase", "user:" + user, AuditOutcomes.Ok,
            $"memories={memories} activations={activations} adapters={adapters}", cancellationToken);
        return TypedResults.Ok(new ErasureReport(tenant, "user:" + user, memories, activations, adapters));
    }

    private static async Task<Created<IssuedApiKey>> IssueKeyAsync(
        string tenant, string user, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var issued = await Tenant(grains, caller, tenant).IssueKeyAsync(caller, RequireName(user, "user"), cancellationToken);
        return TypedResults.Created((string?)null, issued);
    }

    private static async Task<NoContent> RevokeKeyAsync(
        string tenant, string keyId, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        if (keyId.Length != ApiKeyFormat.KeyIdLength || !keyId.All(char.IsAsciiHexDigitLower))
        {
            throw RequestValidation.Invalid("keyId", $"A key id is {ApiKeyFormat.KeyIdLength} lowercase hex digits.");
        }

        await Tenant(grains, caller, tenant).RevokeKeyAsync(caller, keyId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Created<SpaceRecord>> CreateSpaceAsync(
        CreateSpaceRequest request, IGrainFactory grains, ReadableSpaces readableSpaces, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var space = RequireName(request.Space, "space");
        var record = await grains.GetGrain<ITenantGrain>(MemoryTargets.TenantOf(caller)).CreateSpaceAsync(caller, space, cancellationToken);
        readableSpaces.Invalidate(caller.TenantId);
        return TypedResults.Created($"/v1/spaces/{space}", record);
    }

    private static async Task<Ok<SpaceList>> ListSpacesAsync(IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        return TypedResults.Ok(await grains.GetGrain<ITenantGrain>(MemoryTargets.TenantOf(caller)).ListSpacesAsync(caller, cancellationToken));
    }

    private static async Task<Ok<SpaceRecord>> GetSpaceAsync(string space, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        return TypedResults.Ok(await grains.GetGrain<ITenantGrain>(MemoryTargets.TenantOf(caller)).GetSpaceAsync(caller, RequireName(space, "space"), cancellationToken));
    }

    private static async Task<Ok<ErasureReport>> EraseSpaceAsync(
        string space, IGrainFactory grains, IGrainStorage storage, ReadableSpaces readableSpaces, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var tenant = MemoryTargets.TenantOf(caller);
        var spaceKey = MemCubeKeys.SharedSpace(RequireName(space, "space"));

        // The space's own MemScheduler checks the admin right before erasing; governance forgets the space after.
        var governance = grains.GetGrain<ITenantGrain>(tenant);
        await governance.GetSpaceAsync(caller, space, cancellationToken);
        var report = await grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.SpaceScheduler(tenant, spaceKey)).EraseAsync(null, cancellationToken, caller);
        await governance.RemoveSpaceAsync(caller, space, cancellationToken);
        readableSpaces.Invalidate(tenant);
        await CompactAsync(storage, cancellationToken);
        await grains.GetGrain<IAuditLogGrain>(tenant).AppendAsync(caller.AuditName, "space.erase", "space:" + spaceKey, AuditOutcomes.Ok,
            $"memories={report.MemoriesErased} activations={report.ActivationsErased} adapters={report.AdaptersErased}", cancellationToken);
        return TypedResults.Ok(report with { Target = "space:" + space });
    }

    private static async Task<Ok<SpaceRecord>> GrantAsync(
        string space, GrantRequest request, IGrainFactory grains, ReadableSpaces readableSpaces, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        RequireSpace(space);
        var grantee = RequireName(request.Principal, "principal");
        if (request.Right is not { } right || right == SpaceRight.None)
        {
            throw RequestValidation.Invalid("right", "right is 'read', 'write' or 'admin'.");
        }

        var record = await grains.GetGrain<ITenantGrain>(MemoryTargets.TenantOf(caller)).GrantAsync(caller, space, grantee, right, cancellationToken);
        readableSpaces.Invalidate(caller.TenantId);
        return TypedResults.Ok(record);
    }

    private static async Task<Ok<SpaceRecord>> RevokeGrantAsync(
        string space, string principal, IGrainFactory grains, ReadableSpaces readableSpaces, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var caller = user.ToCaller();
        RequireSpace(space);
        var record = await grains.GetGrain<ITenantGrain>(MemoryTargets.TenantOf(caller))
            .RevokeGrantAsync(caller, space, RequireName(principal, "principal"), cancellationToken);
        readableSpaces.Invalidate(caller.TenantId);
        return TypedResults.Ok(record);
    }

    private static async Task<Ok<AuditPage>> AuditAsync(
        [FromQuery] string? after, [FromQuery] int? limit, [FromQuery] string? tenant, IGrainFactory grains, ClaimsPrincipal principal,
        CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        if (after is not null)
        {
            try
            {
                AuditCursor.Parse(after);
            }
            catch (ArgumentException e)
            {
                throw RequestValidation.Invalid("after", e.Message);
            }
        }

        if (limit is < 1 or > IAuditLogGrain.MaxPageSize)
        {
            throw RequestValidation.Invalid("limit", $"limit is 1-{IAuditLogGrain.MaxPageSize}.");
        }

        // The cluster admin names the tenant; anyone else reads their own.
        var logOf = caller.IsClusterAdmin ? RequireName(tenant, "tenant") : caller.TenantId;
        return TypedResults.Ok(await grains.GetGrain<IAuditLogGrain>(logOf).ReadAsync(caller, after, limit ?? DefaultAuditPage, cancellationToken));
    }

    /// <summary>Has the store drop the leftover copies of what was just erased (SQLite: the WAL's old page images).</summary>
    internal static async Task CompactAsync(IGrainStorage storage, CancellationToken cancellationToken)
    {
        if (storage is IGrainStorageCompaction compaction)
        {
            await compaction.CompactAsync(cancellationToken);
        }
    }

    /// <summary>The governance grain of a tenant the route names; a caller of another tenant gets 404, as if it did not
    /// exist (tenant names are not confirmed to strangers).</summary>
    private static ITenantGrain Tenant(IGrainFactory grains, Caller caller, string tenant)
    {
        RequireName(tenant, "tenant");
        if (!caller.BelongsTo(tenant))
        {
            throw new GovernanceNotFoundException($"Tenant '{tenant}' does not exist.");
        }

        return grains.GetGrain<ITenantGrain>(tenant);
    }

    private static void RequireSpace(string space)
    {
        if (!MemCubeKeys.TryParseSpace(space, out _))
        {
            throw RequestValidation.Invalid("space", $"'{space}' is not a space: a shared space's name or 'u:{{user}}'.");
        }
    }

    private static string RequireName(string? name, string field)
    {
        if (!MemCubeKeys.IsValidName(name))
        {
            throw RequestValidation.Invalid(field, $"{field} is 1-{MemCubeKeys.MaxNameLength} ASCII letters, digits, '-', '_' or '.'.");
        }

        return name!;
    }
}
