using System.Security.Claims;
using MemOS.Silo.Auth;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MemOS.Silo.Api;

/// <summary>Activation memory routes: ask for the KV cache of a memory block (<c>POST /v1/memories/activate</c>) and
/// list a user's activation MemCubes (<c>GET /v1/memories/activations</c>).</summary>
public static class ActivationEndpoints
{
    /// <summary>The most memories one activation may name.</summary>
    public const int MaxMemories = 100;

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The <c>/v1</c> route group.</returns>
    public static RouteGroupBuilder MapActivationEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("activation");
        v1.MapPost("/memories/activate", ActivateAsync)
            .WithSummary("Precompute the KV cache of the block made of these memories (batched to a worker); 202 until it is ready.");
        v1.MapGet("/memories/activations", ListAsync).WithSummary("A user's activation MemCubes, oldest first.");
        return v1;
    }

    private static async Task<Results<Accepted<ActivationRecord>, Ok<ActivationRecord>>> ActivateAsync(
        ActivateRequest request, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, request.User, request.Space);
        if (request.MemoryIds is not { Count: > 0 } ids || ids.Count > MaxMemories)
        {
            throw RequestValidation.Invalid("memoryIds", $"memoryIds holds 1-{MaxMemories} memory ids.");
        }

        if (ids.Any(id => !MemCubeKeys.IsValidCubeId(id)) || ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw RequestValidation.Invalid("memoryIds", "memoryIds holds distinct memory ids.");
        }

        var record = await scheduler.ActivateAsync(ids, cancellationToken, caller);
        return record.State == ActivationState.Ready
            ? TypedResults.Ok(record)
            : TypedResults.Accepted((string?)null, record);
    }

    private static async Task<Ok<ActivationList>> ListAsync(
        [FromQuery] string? user, [FromQuery] string? space, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        return TypedResults.Ok(new ActivationList(await MemoryTargets.Scheduler(grains, caller, user, space).GetActivationsAsync(cancellationToken, caller)));
    }
}
