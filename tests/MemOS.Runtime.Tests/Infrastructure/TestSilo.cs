using MemOS.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemOS.Runtime.Tests.Infrastructure;

/// <summary>One grain runtime over a SQLite file, with a fake clock, a log list and a <see cref="GrainProbe"/>,
/// registering every grain of this test assembly. Several silos may share one database file.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestSilo(ServiceProvider services, FakeTimeProvider time, GrainProbe probe, ListLoggerFactory logs)
    {
        _services = services;
        Time = time;
        Probe = probe;
        Logs = logs;
        Runtime = services.GetRequiredService<GrainRuntime>();
    }

    public GrainRuntime Runtime { get; }

    public IServiceProvider Services => _services;

    public FakeTimeProvider Time { get; }

    public GrainProbe Probe { get; }

    public ListLoggerFactory Logs { get; }

    public static async Task<TestSilo> StartAsync(
        TempDatabase database,
        Action<GrainRuntimeOptions>? configure = null,
        FakeTimeProvider? time = null,
        GrainProbe? probe = null)
    {
        time ??= new FakeTimeProvider();
        probe ??= new GrainProbe();
        var logs = new ListLoggerFactory();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<ILoggerFactory>(logs)
            .AddSingleton(probe)
            .AddMemOSGrainRuntime(options =>
            {
                // The background collector would race the tests' own CollectIdleActivationsAsync; tests that want it
                // set a shorter interval.
                options.CollectionInterval = TimeSpan.FromDays(1);
                configure?.Invoke(options);
            })
            .UseSqliteGrainStorage(database.ConnectionString)
            .AddGrainsFromAssembly(typeof(TestSilo).Assembly)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var silo = new TestSilo(services, time, probe, logs);
        await silo.Runtime.StartAsync(TestContext.Current.CancellationToken);
        return silo;
    }

    public T Grain<T>(string key)
        where T : IGrainWithStringKey
        => Runtime.GetGrain<T>(key);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
