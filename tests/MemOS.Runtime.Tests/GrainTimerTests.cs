using MemOS.Runtime.Tests.Grains;
using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests;

public sealed class GrainTimerTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Timer_AdvancedByFakeClock_TicksAsTurnsThatNeverOverlapCalls()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ITimerGrain>("t");
        await grain.StartTimerAsync(dueSeconds: 1, periodSeconds: 1, throwOnFirstTick: false).Within();
        Assert.Equal(0, await grain.GetTicksAsync().Within());

        // A call made after the clock moved queues behind the tick, so it observes it.
        for (var expected = 1; expected <= 5; expected++)
        {
            silo.Time.Advance(OneSecond);
            Assert.Equal(expected, await grain.GetTicksAsync().Within());
        }

        Assert.Equal(1, silo.Probe.Tracker("turn t").Max);
    }

    [Fact]
    public async Task Timer_AfterDispose_StopsTicking()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ITimerGrain>("t");
        await grain.StartTimerAsync(1, 1, false).Within();
        silo.Time.Advance(OneSecond);
        Assert.Equal(1, await grain.GetTicksAsync().Within());

        await grain.StopTimerAsync().Within();
        silo.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, await grain.GetTicksAsync().Within());
        Assert.Equal(1, silo.Probe.Count("tick t"));
    }

    [Fact]
    public async Task Timer_AfterDeactivation_StopsTicking()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ITimerGrain>("t");
        await grain.StartTimerAsync(1, 1, false).Within();
        silo.Time.Advance(OneSecond);
        Assert.Equal(1, await grain.GetTicksAsync().Within());
        var armedWithTimer = silo.Time.ArmedTimerCount;

        await grain.DeactivateAsync().Within();
        Assert.Equal(0, await grain.GetTicksAsync().Within());
        silo.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, await grain.GetTicksAsync().Within());
        Assert.Equal(1, silo.Probe.Count("tick t"));
        Assert.Equal(armedWithTimer - 1, silo.Time.ArmedTimerCount);
    }

    [Fact]
    public async Task Timer_CallbackThrows_IsLoggedAndKeepsTicking()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ITimerGrain>("t");
        await grain.StartTimerAsync(1, 1, throwOnFirstTick: true).Within();

        silo.Time.Advance(OneSecond);
        Assert.Equal(1, await grain.GetTicksAsync().Within());
        silo.Time.Advance(OneSecond);
        Assert.Equal(2, await grain.GetTicksAsync().Within());

        var logged = Assert.Single(silo.Logs.Entries, e => e.EventId.Id == 1004);
        Assert.Equal("tick failed on purpose", logged.Exception?.Message);
    }

    [Fact]
    public async Task Timer_Ticking_DoesNotKeepActivationFromIdleCollection()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database, o => o.IdleTimeout = TimeSpan.FromMinutes(10));
        var grain = silo.Grain<ITimerGrain>("t");
        await grain.StartTimerAsync(60, 60, false).Within();

        for (var minute = 1; minute <= 10; minute++)
        {
            silo.Time.Advance(TimeSpan.FromMinutes(1));
            var expected = minute;
            await Eventually.TrueAsync(() => silo.Probe.Count("tick t") == expected, $"tick {expected} has run");
        }

        Assert.Equal(1, await silo.Runtime.CollectIdleActivationsAsync(TestContext.Current.CancellationToken).Within());
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task RegisterTimer_NegativeDueTime_ThrowsArgumentOutOfRange()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => silo.Grain<ITimerGrain>("t").StartTimerAsync(-1, 1, false).Within());
    }
}
