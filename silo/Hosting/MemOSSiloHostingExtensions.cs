using MemOS.Grains;
using MemOS.Grains.Activation;
using MemOS.Grains.Parameters;
using MemOS.Grains.Interfaces.Serialization;
using MemOS.Grains.Memories;
using MemOS.Grains.Reader;
using MemOS.Grains.Scheduling;
using MemOS.Runtime.Hosting;
using MemOS.Silo.Api;
using MemOS.Silo.Auth;
using MemOS.Silo.Dashboard;
using MemOS.Inference.Embeddings.OpenAi;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Hosting;

/// <summary>Builder extensions that assemble a silo: grain runtime, storage, grains, REST API.</summary>
public static class MemOSSiloHostingExtensions
{
    /// <summary>Registers everything a silo runs: the grain runtime with its storage and cluster membership, the MemOS
    /// grains, the embedder, the generation model (when <c>MemOS:Inference:ModelPath</c> names one), JSON, problem
    /// details and OpenAPI. When the connection string <c>ConnectionStrings:MemOS</c>
    /// (<see cref="SiloOptions.ConnectionStringName"/>) is set, grain state lives in that PostgreSQL database and the
    /// silo joins the cluster of the silos sharing it (<c>MemOS:Cluster</c> settings); otherwise grain state lives in
    /// embedded SQLite in <see cref="SiloOptions.DataDirectory"/> and the silo is a cluster of one.</summary>
    /// <param name="builder">The web application builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="OptionsValidationException">The <c>MemOS:Silo</c> settings are invalid.</exception>
    public static WebApplicationBuilder AddMemOSSilo(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        var siloOptions = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = siloOptions.MaxRequestBodyBytes);
        services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, MemOSJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, OpenAiJsonContext.Default);
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = FrameworkProblems.Customize);
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddOpenApi();

        services.AddMemOSGrainRuntime(runtime =>
        {
            runtime.IdleTimeout = siloOptions.GrainIdleTimeout;
            runtime.CallSerializerOptions = ClusterHostingExtensions.CreateCallSerializerOptions();
        });
        // The data folder holds SQLite's database, and the local KV cache (on PostgreSQL too: caches are per silo).
        var dataDirectory = Path.GetFullPath(siloOptions.DataDirectory);
        var postgres = builder.Configuration.GetConnectionString(SiloOptions.ConnectionStringName);
        builder.AddMemOSCluster(postgres);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.UsePostgresGrainStorage(postgres);
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            services.UseSqliteGrainStorage($"Data Source={Path.Combine(dataDirectory, "memos.db")}");
        }

        services.AddGrainsFromAssembly(typeof(MemCubeGrain).Assembly);
        services.AddMemOSGrainServices();
        services.AddOptions<MemSchedulerOptions>().BindConfiguration(MemSchedulerOptions.SectionName);
        services.AddOptions<MemReaderOptions>().BindConfiguration(MemReaderOptions.SectionName);
        services.AddOptions<ActivationOptions>().BindConfiguration(ActivationOptions.SectionName);
        var adapterDirectory = Path.GetFullPath(Path.Combine(dataDirectory, "lora"));
        services.AddOptions<ParameterOptions>()
            .Configure(o => o.AdapterDirectory = adapterDirectory)
            .BindConfiguration(ParameterOptions.SectionName);
        services.AddOptions<LifecycleOptions>().BindConfiguration(LifecycleOptions.SectionName)
            .Validate(static o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.UseConfiguredEmbedder();
        services.UseConfiguredGenerationModel(dataDirectory);
        builder.AddMemOSTelemetry();
        builder.AddMemOSAuth();
        return builder;
    }

    /// <summary>Maps the REST API (<c>/v1</c>, including the OpenAI-compatible <c>/v1/embeddings</c> and
    /// <c>/v1/cluster/members</c>), the internal cluster routes (<c>/internal/v1</c>), <c>/healthz</c>, the OpenAPI
    /// document (<c>/openapi/v1.json</c>) and the operator dashboard (<c>/dashboard</c>), with every error answered as
    /// RFC 9457 problem details.</summary>
    /// <param name="app">The built application.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapMemOSSilo(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("healthy"))).WithTags("health");
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMemOSTelemetry();

        // Every /v1 route needs an authenticated caller (a key, or open mode); the operator routes need the cluster admin.
        var authenticated = app.MapGroup("").RequireAuthorization();
        authenticated.MapMemoryEndpoints();
        authenticated.MapActivationEndpoints();
        authenticated.MapParameterEndpoints();
        authenticated.MapChatEndpoints();
        authenticated.MapEmbeddingEndpoints();
        authenticated.MapGovernanceEndpoints();
        app.MapGroup("").RequireAuthorization(AuthHostingExtensions.OperatorPolicy).MapOperationsEndpoints();
        app.MapMemOSCluster();
        app.MapDashboard();
        return app;
    }
}
