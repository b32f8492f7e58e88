using System.Collections.Concurrent;
using System.Text;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemOS.Silo.Tests.Telemetry;

/// <summary>Traces leave the silo through the OpenTelemetry SDK's OTLP exporter (HTTP/protobuf) when an endpoint is
/// configured, and not otherwise. The receiver is a local HTTP endpoint that keeps what it is sent.</summary>
public sealed class TraceExportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _received = new();
    private WebApplication _collector = null!;
    private Uri _collectorAddress = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _collector = builder.Build();
        _collector.MapPost("/v1/traces", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            _received.Enqueue((http.Request.Path, http.Request.ContentType, buffer.ToArray()));
            http.Response.ContentType = "application/x-protobuf";
        });
        await _collector.StartAsync(Cancel);
        _collectorAddress = new Uri(_collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public async ValueTask DisposeAsync() => await _collector.DisposeAsync();

    private static async Task<EmbeddedSilo> StartSiloAsync(string directory, IDictionary<string, string?> settings)
        => await EmbeddedSilo.StartAsync(directory, configure: b => b.Configuration.AddInMemoryCollection(settings), cancellationToken: Cancel);

    [Fact]
    public async Task WithAnOtlpEndpoint_SearchSpansAreExported()
    {
        var directory = Path.Combine(Path.GetTempPath(), "memos-otlp-" + Guid.NewGuid().ToString("N")[..10]);
        await using (var silo = await StartSiloAsync(directory, new Dictionary<string, string?>
                     {
                         ["MemOS:Telemetry:OtlpEndpoint"] = _collectorAddress.ToString(),
                         ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                     }))
        {
            using var client = new MemOSClient(silo.BaseAddress);
            await client.AddAsync(new AddMemoriesRequest("tracer", [new ConversationMessage("m1", "Ann", "I adopted a puppy.", null)], "c"), Cancel);
            await client.SearchAsync(new SearchRequest("tracer", "dog"), Cancel);
        }

        // Disposing the silo flushes the exporter; the spans are protobuf, whose strings are plain UTF-8.
        var bodies = _received.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(bodies);
        Assert.All(bodies, r => Assert.Equal("application/x-protobuf", r.ContentType));
        var all = Encoding.UTF8.GetString(bodies.SelectMany(r => r.Body).ToArray());
        Assert.Contains("memscheduler.search", all, StringComparison.Ordinal);
        Assert.Contains("memscheduler.add", all, StringComparison.Ordinal);
        Assert.Contains("MemOS.Scheduler", all, StringComparison.Ordinal);
        Assert.Contains("grain.call", all, StringComparison.Ordinal);
        Assert.Contains("memscheduler", all, StringComparison.Ordinal);
        Assert.Contains("POST /v1/search", all, StringComparison.Ordinal);
        Assert.Contains("memos-silo", all, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task WithoutAnEndpoint_NothingIsExported()
    {
        var directory = Path.Combine(Path.GetTempPath(), "memos-no-otlp-" + Guid.NewGuid().ToString("N")[..10]);
        await using (var silo = await StartSiloAsync(directory, new Dictionary<string, string?>()))
        {
            using var client = new MemOSClient(silo.BaseAddress);
            await client.AddAsync(new AddMemoriesRequest("quiet", [new ConversationMessage("m1", "Ann", "Hello there.", null)], "c"), Cancel);
        }

        Assert.Empty(_received);
        Directory.Delete(directory, recursive: true);
    }
}
