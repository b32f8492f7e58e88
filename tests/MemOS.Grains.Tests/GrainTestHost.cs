using MemOS.Grains.Activation;
using MemOS.Grains.Memories;
using MemOS.Grains.Parameters;
using MemOS.Grains.Scheduling;
using MemOS.Inference.Embeddings;
using MemOS.Inference.Embeddings.Glove;
using MemOS.Inference.Generation;
using MemOS.Runtime;
using MemOS.Runtime.Hosting;
using MemOS.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemOS.Grains.Tests;

/// <summary>The MemOS grains on the real grain runtime over a SQLite file, with a fake clock.</summary>
public sealed class GrainTestHost : IAsyncDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private readonly ServiceProvider _services;
    private bool _disposed;

    private GrainTestHost(ServiceProvider services, FakeTimeProvider time)
    {
        _services = services;
        Time = time;
        Runtime = services.GetRequiredService<GrainRuntime>();
    }

    public GrainRuntime Runtime { get; }

    public FakeTimeProvider Time { get; }

    public IGrainFactory Grains => Runtime;

    /// <summary>A service of the host (the silo-wide instruments, the generation engine).</summary>
    public T Service<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<GrainTestHost> StartAsync(
        TempDatabase database, FakeTimeProvider? time = null, IEmbedder? embedder = null, Action<MemSchedulerOptions>? scheduler = null,
        IGenerationEngine? engine = null, Action<ActivationOptions>? activation = null, Action<LifecycleOptions>? lifecycle = null,
        Action<ParameterOptions>? parameter = null)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        if (engine is not null)
        {
            services.AddSingleton(engine);
        }

        services
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance)
            .AddMemOSGrainRuntime(o =>
            {
                o.IdleTimeout = IdleTimeout;
                o.CollectionInterval = TimeSpan.FromDays(1);
            })
            .UseSqliteGrainStorage(database.ConnectionString)
            .AddGrainsFromAssembly(typeof(MemCubeGrain).Assembly)
            .AddMemOSGrainServices()
            .AddSingleton<IEmbedder>(_ => embedder ?? new GloveSifEmbedder(GloveAssets.Load()))
            .Configure<MemSchedulerOptions>(o => scheduler?.Invoke(o))
            .Configure<ActivationOptions>(o => activation?.Invoke(o))
            .Configure<LifecycleOptions>(o => lifecycle?.Invoke(o))
            .Configure<ParameterOptions>(o => parameter?.Invoke(o));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var host = new GrainTestHost(provider, time);
        await host.Runtime.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    /// <summary>Lets every activation go idle past the timeout and collects them all (state must come back from
    /// storage). Advancing the clock fires due grain timers (a scheduler's access-count flush calls its cubes, which
    /// makes them active again), so the clock moves on until a collection finds nothing left active.</summary>
    public async Task DeactivateIdleAsync()
    {
        for (var round = 0; round < 10 && Runtime.ActivationCount > 0; round++)
        {
            Time.Advance(IdleTimeout + TimeSpan.FromMinutes(1));
            await Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
            await Runtime.CollectIdleActivationsAsync(TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Runtime.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}

/// <summary>Base of grain test classes: a fresh SQLite file and <see cref="GrainTestHost"/> per test.</summary>
public abstract class GrainTestBase : IAsyncLifetime
{
    private readonly TempDatabase _database = new();

    /// <summary>The SQLite file of the current test (a test may start a second host on it).</summary>
    protected TempDatabase Database => _database;

    /// <summary>The host of the current test.</summary>
    protected GrainTestHost Host { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => Host = await GrainTestHost.StartAsync(_database);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();

        _database.Dispose();
        GC.SuppressFinalize(this);
    }
}
