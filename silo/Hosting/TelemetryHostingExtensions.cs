using MemOS.Grains.Telemetry;
using MemOS.Inference.Embeddings;
using MemOS.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MemOS.Silo.Hosting;

/// <summary>Metrics, traces, readiness and the silo's membership entry.</summary>
public static partial class TelemetryHostingExtensions
{
    /// <summary>The meters exported at <c>/metrics</c>: every <c>MemOS.*</c> meter, ASP.NET Core's HTTP server and
    /// Kestrel meters, and the .NET runtime's.</summary>
    public static IReadOnlyList<string> ExportedMeters { get; } =
        ["MemOS.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    /// <summary>Registers OpenTelemetry metrics (Prometheus exporter) and traces (OTLP when configured, see
    /// <see cref="TelemetryOptions"/>), the readiness checks and <see cref="SiloMembership"/>, and seeds the MemCube
    /// census from storage when the silo starts.</summary>
    /// <param name="builder">The web application builder.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder AddMemOSTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        services.AddMetrics();
        services.AddSingleton<SiloMembership>();
        services.AddHostedService<CensusSeeder>();

        var exportTraces = options.OtlpEndpoint is not null
            || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceVersion: SiloMembership.Version))
            .WithMetrics(metrics =>
            {
                foreach (var meter in ExportedMeters)
                {
                    metrics.AddMeter(meter);
                }

                metrics.AddPrometheusExporter();
            });
        if (exportTraces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource("MemOS.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/metrics"))
                .AddOtlpExporter(otlp =>
                {
                    if (options.OtlpEndpoint is { } endpoint)
                    {
                        otlp.Protocol = options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        otlp.Endpoint = otlp.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath is "/" or ""
                            ? new Uri(endpoint, "v1/traces")
                            : endpoint;
                    }
                }));
        }

        services.AddHealthChecks()
            .AddCheck<StorageReadiness>("storage", tags: [ReadyTag])
            .AddCheck<MembershipReadiness>("membership", tags: [ReadyTag])
            .AddCheck<InferenceReadiness>("inference", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text exposition) and <c>GET /readyz</c> (200 when storage answers,
    /// the silo has joined and the embedder is loaded; 503 with the failing checks otherwise).</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapMemOSTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/readyz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        }).WithTags("health");
        return app;
    }

    private const string ReadyTag = "ready";

    private static Task WriteReadinessAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy ? "ready" : "not_ready",
            ["checks"] = new System.Text.Json.Nodes.JsonObject(report.Entries.Select(e => KeyValuePair.Create<string, System.Text.Json.Nodes.JsonNode?>(
                e.Key, new System.Text.Json.Nodes.JsonObject
                {
                    ["status"] = e.Value.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy ? "ok" : "failing",
                    ["detail"] = e.Value.Description,
                    ["durationMs"] = Math.Round(e.Value.Duration.TotalMilliseconds, 2),
                }))),
        };
        return http.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>Counts the stored MemCubes before the silo serves requests (hosted services start before Kestrel).</summary>
    private sealed partial class CensusSeeder(MemCubeMetrics metrics, IGrainStateQuery stateQuery, ILogger<CensusSeeder> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var count = await metrics.SeedAsync(stateQuery, cancellationToken);
            LogSeeded(logger, count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "MemCube census: {CubeCount} stored cubes counted in {ElapsedMs:F0} ms")]
        private static partial void LogSeeded(ILogger logger, long cubeCount, double elapsedMs);
    }

    /// <summary>Storage answers a read.</summary>
    private sealed class StorageReadiness(MemOS.Runtime.Storage.IGrainStorage storage) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await storage.ReadAsync("memos.health", "probe", "probe", cancellationToken);
                return HealthCheckResult.Healthy("grain storage answered a read");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"grain storage failed: {e.Message}");
            }
        }
    }

    /// <summary>The silo has joined (it listens and serves).</summary>
    private sealed class MembershipReadiness(SiloMembership membership) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => Task.FromResult(membership.IsActive
                ? HealthCheckResult.Healthy($"silo {membership.SiloId} is {membership.Status}")
                : HealthCheckResult.Unhealthy($"silo {membership.SiloId} is {membership.Status}"));
    }

    /// <summary>The embedder (and, for a GGUF model, the native llama.cpp libraries) is loaded, and so is the generation
    /// model when one is configured (a silo without one is ready: only chat and activation memory are unavailable).</summary>
    private sealed class InferenceReadiness(IEmbedder embedder, MemOS.Inference.Generation.IGenerationEngine generation) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var inner = embedder is MeasuredEmbedder measured ? measured.Inner : embedder;
            if (inner is MemOS.Inference.Llama.LlamaEmbedder && MemOS.Inference.Llama.LlamaLibrary.LoadedDirectory is null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("llama.cpp native libraries are not loaded"));
            }

            var native = inner is MemOS.Inference.Llama.LlamaEmbedder ? $" (llama.cpp from {MemOS.Inference.Llama.LlamaLibrary.LoadedDirectory})" : "";
            var model = generation.IsAvailable
                ? $"; generation model {generation.Describe().Name} loaded"
                : "; no generation model (chat and activation memory unavailable)";
            return Task.FromResult(HealthCheckResult.Healthy($"embedder {embedder.ModelId} loaded{native}{model}"));
        }
    }
}
