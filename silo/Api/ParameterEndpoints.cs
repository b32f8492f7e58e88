using System.Security.Claims;
using MemOS.Silo.Auth;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Grains.Scheduling;
using MemOS.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MemOS.Silo.Api;

/// <summary>Parameter memory routes: ask for a LoRA adapter trained on some memories (<c>POST /v1/memories/parameterize</c>)
/// and list a user's parameter MemCubes (<c>GET /v1/memories/parameters</c>).</summary>
public static class ParameterEndpoints
{
    /// <summary>Maps the routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The <c>/v1</c> route group.</returns>
    public static RouteGroupBuilder MapParameterEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("parameter");
        v1.MapPost("/memories/parameterize", ParameterizeAsync)
            .WithSummary("Train a LoRA adapter (a parameter MemCube) on these memories' texts on the silo's worker; 202 until it is ready.");
        v1.MapGet("/memories/parameters", ListAsync).WithSummary("A user's parameter MemCubes, oldest first.");
        return v1;
    }

    private static async Task<Results<Accepted<ParameterRecord>, Ok<ParameterRecord>>> ParameterizeAsync(
        ParameterizeRequest request, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, request.User, request.Space);
        if (request.MemoryIds is not { Count: > 0 } ids)
        {
            throw RequestValidation.Invalid("memoryIds", "memoryIds holds at least one memory id.");
        }

        if (ids.Any(id => !MemCubeKeys.IsValidCubeId(id)) || ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw RequestValidation.Invalid("memoryIds", "memoryIds holds distinct memory ids.");
        }

        if (request.Rank is < 1 or > MemSchedulerGrain.MaxParameterRank)
        {
            throw RequestValidation.Invalid("rank", $"rank is 1-{MemSchedulerGrain.MaxParameterRank}.");
        }

        if (request.Steps is < 1 or > MemSchedulerGrain.MaxParameterSteps)
        {
            throw RequestValidation.Invalid("steps", $"steps is 1-{MemSchedulerGrain.MaxParameterSteps}.");
        }

        var record = await scheduler.ParameterizeAsync(ids, request.Rank, request.Steps, cancellationToken, caller);
        return record.State == ParameterState.Ready
            ? TypedResults.Ok(record)
            : TypedResults.Accepted((string?)null, record);
    }

    private static async Task<Ok<ParameterList>> ListAsync(
        [FromQuery] string? user, [FromQuery] string? space, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        return TypedResults.Ok(new ParameterList(await MemoryTargets.Scheduler(grains, caller, user, space).GetParametersAsync(cancellationToken, caller)));
    }
}
