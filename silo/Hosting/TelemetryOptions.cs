namespace MemOS.Silo.Hosting;

/// <summary>Where the silo sends traces, bound from <c>MemOS:Telemetry</c>. Metrics are always served at
/// <c>GET /metrics</c> (Prometheus text format).</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Telemetry";

    /// <summary>The OTLP endpoint traces are exported to (for example <c>http://otel-collector:4318</c> with
    /// <see cref="OtlpProtocol"/> <c>http/protobuf</c>, or <c>http://otel-collector:4317</c> for gRPC); null exports no
    /// traces unless the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set. Default: null.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The OTLP protocol: <c>grpc</c> or <c>http/protobuf</c>. Default: <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>The service name reported with traces and metrics. Default: <c>memos-silo</c>.</summary>
    public string ServiceName { get; set; } = "memos-silo";
}
