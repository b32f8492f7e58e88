using System.Globalization;
using MemOS.Grains.Interfaces.Operations;
using MemOS.Runtime;
using MemOS.Runtime.Cluster;
using MemOS.Silo.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MemOS.Silo.Api;

/// <summary>Cluster routes: the public <c>GET /v1/cluster/members</c>, and the internal routes silos call on each other
/// (<see cref="ClusterRoutes"/>), which answer 401 unless the request carries the cluster secret
/// (<see cref="ClusterOptions.SecretHeader"/>). Keep <c>/internal</c> off public ingress all the same.</summary>
public static class ClusterEndpoints
{
    /// <summary>The largest forwarded call accepted, in bytes (an add of 1,000 messages with their vectors fits).</summary>
    public const long MaxForwardedCallBytes = 64L * 1024 * 1024;

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The same route builder.</returns>
    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster/members", Members).WithTags("operations")
            .WithSummary("The silos this silo knows and which own grains, for clients that route to the owner of a user's MemScheduler.");

        var internalRoutes = app.MapGroup("").ExcludeFromDescription().AddEndpointFilter(RequireSecretAsync);
        internalRoutes.MapPost(ClusterRoutes.GrainCallPattern, InvokeAsync);
        internalRoutes.MapPost(ClusterRoutes.RefreshPath, RefreshAsync);
        return app;
    }

    private static Ok<ClusterMembers> Members(SiloMembership membership, TimeProvider time)
    {
        var view = membership.View;
        return TypedResults.Ok(new ClusterMembers(
            time.GetUtcNow(), membership.ToInfo(), membership.Silos(), [.. view.PlacementSilos.Select(static m => m.SiloId)],
            ClusterMembers.RendezvousPlacement));
    }

    private static async ValueTask<object?> RequireSecretAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var secret = http.RequestServices.GetService<ClusterSecret>();
        if (secret is null || !secret.Matches(http.Request.Headers[ClusterOptions.SecretHeader]))
        {
            return TypedResults.Problem(
                statusCode: 401, type: ProblemTypes.Unauthorized, title: "Cluster secret required",
                detail: $"Internal routes need the cluster secret in {ClusterOptions.SecretHeader}.");
        }

        return await next(context);
    }

    private static async Task<IResult> InvokeAsync(string grainType, string method, HttpContext http, GrainRuntime runtime)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxForwardedCallBytes;
        }

        var hops = int.TryParse(http.Request.Headers[ClusterRoutes.HopsHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var h) ? h : 1;
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        try
        {
            var outcome = await runtime.InvokeForwardedCallAsync(
                grainType, method, hops, body.GetBuffer().AsMemory(0, (int)body.Length), http.RequestAborted);
            return TypedResults.Bytes(outcome, "application/json");
        }
        catch (FormatException e)
        {
            return TypedResults.Problem(statusCode: 400, type: ProblemTypes.MalformedBody, title: "Malformed grain call", detail: e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "Unknown grain method", detail: e.Message);
        }
        catch (ClusterUnavailableException e)
        {
            return TypedResults.Problem(statusCode: 503, type: ProblemTypes.Unavailable, title: "Silo stopping", detail: e.Message);
        }
    }

    private static async Task<NoContent> RefreshAsync(IClusterMembership membership, GrainRuntime runtime, CancellationToken cancellationToken)
    {
        await membership.RefreshAsync(cancellationToken);
        await runtime.RebalanceAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
