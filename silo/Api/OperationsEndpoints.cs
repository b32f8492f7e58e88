using MemOS.Grains.Interfaces.Operations;
using MemOS.Grains.Telemetry;
using MemOS.Inference.Embeddings;
using MemOS.Runtime;
using MemOS.Silo.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MemOS.Silo.Api;

/// <summary>Operator routes: <c>GET /v1/admin/overview</c>, the data of the dashboard.</summary>
public static class OperationsEndpoints
{
    /// <summary>How many recent lifecycle events the overview carries.</summary>
    public const int OverviewEvents = 50;

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The <c>/v1/admin</c> route group.</returns>
    public static RouteGroupBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("operations");
        admin.MapGet("/overview", Overview)
            .WithSummary("Silos, activations, MemCubes by tenant, kind and state, scheduler activity and recent lifecycle events.");
        return admin;
    }

    private static Ok<SiloOverview> Overview(
        SiloMembership membership, GrainRuntime runtime, MemCubeMetrics cubes, SchedulerMetrics scheduler, IEmbedder embedder, TimeProvider time)
    {
        var activations = runtime.LiveActivationsByType().OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ActivationCount(p.Key, p.Value)).ToList();
        var census = cubes.Census().Select(c => new CubeCount(c.Tenant, c.Kind, c.State, c.Count)).ToList();
        var activity = new SchedulerActivity(scheduler.Searches, scheduler.Adds, scheduler.MemoriesAdded, embedder.ModelId);
        return TypedResults.Ok(new SiloOverview(
            time.GetUtcNow(), membership.ToInfo(), membership.Silos(), activations, census, activity, cubes.RecentEvents(OverviewEvents)));
    }
}
