using MemOS.Grains;
using MemOS.Grains.Memories;
using MemOS.Grains.Scheduling;
using MemOS.Inference.Embeddings;
using MemOS.Runtime;
using MemOS.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>The MemOS grains on the real grain runtime in this process, as the silo registers them, but over
/// in-memory grain storage (<see cref="Runtime.Storage.InMemoryGrainStorage"/>) so that ingesting 100,000 memories
/// measures the grains rather than SQLite, with the system clock and no logging.</summary>
public sealed class BenchmarkSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private BenchmarkSilo(ServiceProvider services)
    {
        _services = services;
        Runtime = services.GetRequiredService<GrainRuntime>();
    }

    /// <summary>The grain runtime (also the grain factory).</summary>
    public GrainRuntime Runtime { get; }

    /// <summary>Scans stored grain state (to read back what the grains stored).</summary>
    public IGrainStateQuery StateQuery => _services.GetRequiredService<IGrainStateQuery>();

    /// <summary>Starts the runtime.</summary>
    /// <param name="embedder">The embedder of the scheduler grains.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started silo.</returns>
    public static async Task<BenchmarkSilo> StartAsync(IEmbedder embedder, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection()
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            // An hour, so that no collection of idle cubes lands in the middle of a measurement.
            .AddMemOSGrainRuntime(o => o.IdleTimeout = TimeSpan.FromHours(1))
            .UseInMemoryGrainStorage()
            .AddGrainsFromAssembly(typeof(MemCubeGrain).Assembly)
            .AddMemOSGrainServices()
            .AddSingleton(embedder)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var silo = new BenchmarkSilo(services);
        await silo.Runtime.StartAsync(cancellationToken);
        return silo;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Runtime.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
