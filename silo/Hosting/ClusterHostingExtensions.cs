using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MemOS.Grains.Interfaces.Serialization;
using MemOS.Runtime.Cluster;
using MemOS.Runtime.Hosting;
using MemOS.Silo.Api;

namespace MemOS.Silo.Hosting;

/// <summary>Builder extensions for the silo's cluster membership and its cluster routes.</summary>
public static class ClusterHostingExtensions
{
    /// <summary>Makes the silo a member of the cluster of its PostgreSQL database when
    /// <paramref name="postgresConnectionString"/> is set (<see cref="GrainRuntimeServiceCollectionExtensions.UsePostgresClustering"/>,
    /// settings from <c>MemOS:Cluster</c>), otherwise a cluster of one; joins once Kestrel listens and leaves
    /// gracefully on stop (<see cref="ClusterLifecycle"/>).</summary>
    /// <param name="builder">The web application builder.</param>
    /// <param name="postgresConnectionString">The Npgsql connection string of the cluster's database, or null for an
    /// embedded silo.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder AddMemOSCluster(this WebApplicationBuilder builder, string? postgresConnectionString)
    {
        var services = builder.Services;
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName);
        if (string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            services.UseLocalhostClustering();
        }
        else
        {
            services.UsePostgresClustering(postgresConnectionString);
        }

        services.AddHostedService<ClusterLifecycle>();
        return builder;
    }

    /// <summary>The serializer of forwarded grain calls: the wire DTOs' source-generated metadata first, reflection for
    /// the rest.</summary>
    /// <returns>New options.</returns>
    public static JsonSerializerOptions CreateCallSerializerOptions() => new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(MemOSJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>Maps <c>GET /v1/cluster/members</c> and the internal routes (<see cref="ClusterRoutes"/>).</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapMemOSCluster(this WebApplication app)
    {
        app.MapClusterEndpoints();
        return app;
    }
}
