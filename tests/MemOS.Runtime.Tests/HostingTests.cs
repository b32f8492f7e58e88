using System.Diagnostics.Metrics;
using MemOS.Runtime.Hosting;
using MemOS.Runtime.Tests.Grains;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MemOS.Runtime.Tests;

public sealed class HostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Host_StartAndStop_RunsTheRuntimeAsHostedServiceAndPersistsOnShutdown()
    {
        using var database = new TempDatabase();
        var probe = new GrainProbe();
        using (var host = BuildHost(database, probe))
        {
            await host.StartAsync(Ct);
            Assert.NotNull(host.Services.GetService<IMeterFactory>());
            var factory = host.Services.GetRequiredService<IGrainFactory>();
            await factory.GetGrain<ICounterGrain>("h").SetUnsavedAsync(11).Within();

            await host.StopAsync(Ct);

            Assert.Equal(0, host.Services.GetRequiredService<GrainRuntime>().ActivationCount);
            Assert.Contains("deactivate h ShuttingDown", probe.Events);
        }

        using var restarted = BuildHost(database, new GrainProbe());
        await restarted.StartAsync(Ct);
        Assert.Equal(11, await restarted.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("h").GetAsync().Within());
        await restarted.StopAsync(Ct);
    }

    [Fact]
    public async Task Metrics_ActivationLifecycleAndCalls_AreReportedByGrainType()
    {
        using var database = new TempDatabase();
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MemOS.Runtime")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var tagMap = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                tagMap[tag.Key] = tag.Value;
            }

            if (Equals(tagMap.GetValueOrDefault("grain.type"), "metrics-probe"))
            {
                lock (measurements)
                {
                    measurements.Add((instrument.Name, value, tagMap));
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        await using var silo = await TestSilo.StartAsync(database);
        await silo.Grain<IMetricsProbeGrain>("m").GetGrainTypeAsync().Within();
        listener.RecordObservableInstruments();
        await silo.Runtime.DeactivateAllAsync(DeactivationReason.ApplicationRequested, Ct).Within();
        listener.RecordObservableInstruments();

        List<(string Instrument, double Value, Dictionary<string, object?> Tags)> seen;
        lock (measurements)
        {
            seen = [.. measurements];
        }

        Assert.Equal(1, seen.Where(static m => m.Instrument == "memos.runtime.activation.created").Sum(static m => m.Value));
        var deactivated = Assert.Single(seen, static m => m.Instrument == "memos.runtime.activation.deactivated");
        Assert.Equal("application_requested", deactivated.Tags["reason"]);
        Assert.Single(seen, static m => m.Instrument == "memos.runtime.call.duration");
        Assert.Equal([1d, 0d], seen.Where(static m => m.Instrument == "memos.runtime.activations").Select(static m => m.Value));
    }

    private static IHost BuildHost(TempDatabase database, GrainProbe probe)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMetrics();
        builder.Services
            .AddSingleton(probe)
            .AddMemOSGrainRuntime()
            .UseSqliteGrainStorage(database.ConnectionString)
            .AddGrain<ICounterGrain, CounterGrain>();
        return builder.Build();
    }
}
