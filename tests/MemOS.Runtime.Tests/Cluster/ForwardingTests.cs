using MemOS.Runtime.Cluster;
using MemOS.Runtime.Tests.Grains;
using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests.Cluster;

/// <summary>Calls through <see cref="IGrainFactory"/> on a silo that does not own the grain run on the owner, as JSON
/// envelopes over a transport; results and exceptions come back; a membership change moves activations.</summary>
public sealed class ForwardingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_OnANonOwner_RunsOnTheOwnerOnly()
    {
        await using var cluster = await InMemoryCluster.StartAsync(3);
        var key = cluster.KeyOwnedBy(2, "counter");

        Assert.Equal(5, await cluster.Runtime(0).GetGrain<ICounterGrain>(key).AddAsync(5));
        Assert.Equal(12, await cluster.Runtime(1).GetGrain<ICounterGrain>(key).AddAsync(7));
        Assert.Equal(12, await cluster.Runtime(2).GetGrain<ICounterGrain>(key).GetAsync());

        Assert.Equal([0, 0, 1], [cluster.ActivationCount(0), cluster.ActivationCount(1), cluster.ActivationCount(2)]);
        Assert.Equal(["silo0->silo2 hops 1", "silo1->silo2 hops 1"], cluster.Sent.Select(static s => $"{s.From}->{s.To} hops {s.Hops}"));
    }

    [Fact]
    public async Task Call_ManyKeys_ActivationsSpreadOverEverySilo()
    {
        await using var cluster = await InMemoryCluster.StartAsync(3);
        for (var i = 0; i < 60; i++)
        {
            await cluster.Runtime(i % 3).GetGrain<IValueTaskGrain>($"key{i}").NoteAsync("x");
        }

        var counts = Enumerable.Range(0, 3).Select(cluster.ActivationCount).ToArray();
        Assert.Equal(60, counts.Sum());
        Assert.All(counts, static c => Assert.InRange(c, 8, 32));
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(["x"], await cluster.Runtime((i + 1) % 3).GetGrain<IValueTaskGrain>($"key{i}").GetNotesAsync());
        }
    }

    [Fact]
    public async Task Call_Forwarded_CarriesEveryReturnShape()
    {
        await using var cluster = await InMemoryCluster.StartAsync(2);
        var key = cluster.KeyOwnedBy(1, "valuetask");
        var grain = cluster.Runtime(0).GetGrain<IValueTaskGrain>(key);

        Assert.Equal(42, await grain.DoubleAsync(21));
        await grain.NoteAsync("first");
        await grain.NoteAsync("second");
        Assert.Equal(["first", "second"], await grain.GetNotesAsync());

        var errorsKey = cluster.KeyOwnedBy(1, "remoteerrors");
        var sent = new EchoRecord("echo", [1, 2, 3], new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)), 0.1 + 0.2);
        var echoed = await cluster.Runtime(0).GetGrain<IRemoteErrorsGrain>(errorsKey).EchoAsync(sent, Ct);
        Assert.Equal($"echo from {errorsKey}", echoed.Name);
        Assert.Equal(sent.Values, echoed.Values);
        Assert.Equal(sent.At, echoed.At);
        Assert.Equal(sent.At.Offset, echoed.At.Offset);
        Assert.Equal(sent.Score, echoed.Score);
    }

    [Fact]
    public async Task Call_ForwardedThrows_TheCallerGetsTheSameExceptionType()
    {
        await using var cluster = await InMemoryCluster.StartAsync(2);
        var grain = cluster.Runtime(0).GetGrain<IRemoteErrorsGrain>(cluster.KeyOwnedBy(1, "remoteerrors"));

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(grain.ThrowConflictAsync);
        Assert.Equal(("counter changed", "etag-stored", "etag-mine"), (conflict.Message, conflict.StoredEtag, conflict.CurrentEtag));

        var argument = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(grain.ThrowArgumentAsync);
        Assert.Equal("amount", argument.ParamName);
        Assert.Equal(new ArgumentOutOfRangeException("amount", "The amount must be positive.").Message, argument.Message);

        var quota = await Assert.ThrowsAsync<QuotaExceededException>(() => grain.ThrowQuotaAsync(7));
        Assert.Equal((7, "acme", true), (quota.Limit, quota.TenantId, quota.IsTransient));
        Assert.Equal("Quota of 7 exceeded for acme.", quota.Message);

        var unmapped = await Assert.ThrowsAsync<RemoteGrainCallException>(grain.ThrowUnmappedAsync);
        Assert.Equal(typeof(DivideByZeroException).FullName, unmapped.RemoteType);
        Assert.Equal("divided by zero remotely", unmapped.Message);

        var faulty = cluster.Runtime(0).GetGrain<IFaultyGrain>(cluster.KeyOwnedBy(1, "faulty"));
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => faulty.ThrowAsync("boom"))).Message);
        Assert.Equal("thrown synchronously", (await Assert.ThrowsAsync<ArgumentException>(faulty.ThrowSynchronouslyAsync)).Message);
    }

    [Fact]
    public async Task ViewChange_GrainMovesToTheNewOwner_StateWrittenAndReadThere()
    {
        await using var cluster = await InMemoryCluster.StartAsync(3);
        var ids = cluster.SiloIds;

        // A key owned by silo 2 while all three are active: when silo 2 stops owning, it moves to silo 0 or 1.
        var key = cluster.KeyOwnedBy(2, "counter");
        var grain = cluster.Runtime(0).GetGrain<ICounterGrain>(key);
        await grain.AddAsync(1);
        await grain.SetUnsavedAsync(10);
        var before = await grain.GetInstanceIdAsync();

        cluster.SetViews(new Dictionary<string, SiloStatus> { [ids[0]] = SiloStatus.Active, [ids[1]] = SiloStatus.Active });
        await cluster.Runtime(2).RebalanceAsync(Ct).Within();

        Assert.Contains($"deactivate {key} {DeactivationReason.PlacementChanged}", cluster.Probe.Events);
        Assert.Equal(0, cluster.ActivationCount(2));
        var newOwner = cluster.OwnerOf("counter", key, [ids[0], ids[1]]);
        Assert.Equal(10, await grain.GetAsync());
        Assert.NotEqual(before, await grain.GetInstanceIdAsync());
        Assert.Equal(1, cluster.ActivationCount(newOwner));
    }

    [Fact]
    public async Task ViewChange_OnlyTheMovedGrainsAreDeactivated()
    {
        await using var cluster = await InMemoryCluster.StartAsync(2);
        var ids = cluster.SiloIds;
        cluster.SetViews(new Dictionary<string, SiloStatus> { [ids[0]] = SiloStatus.Active });
        for (var i = 0; i < 40; i++)
        {
            await cluster.Runtime(0).GetGrain<IValueTaskGrain>($"n{i}").NoteAsync("kept");
        }

        Assert.Equal(40, cluster.ActivationCount(0));

        // Silo 1 joins: silo 0 hands over exactly the keys silo 1 now owns (the view change starts it; the explicit
        // rebalance waits for it).
        cluster.SetViews(ids.ToDictionary(static id => id, static _ => SiloStatus.Active));
        await cluster.Runtime(0).RebalanceAsync(Ct).Within();
        var expected = Enumerable.Range(0, 40).Count(i => cluster.OwnerOf("valuetask", $"n{i}") == 1);
        Assert.InRange(expected, 5, 35);
        Assert.Equal(40 - expected, cluster.ActivationCount(0));
    }

    [Fact]
    public async Task LocalPlacement_EachSiloActivatesItsOwn_NeverForwardedNorMoved()
    {
        await using var cluster = await InMemoryCluster.StartAsync(3);
        var ids = cluster.SiloIds;

        // One key, called on every silo: three independent activations, no call sent anywhere.
        for (var silo = 0; silo < 3; silo++)
        {
            Assert.Equal(1, await cluster.Runtime(silo).GetGrain<ILocalWorkerGrain>("local").WorkAsync());
            Assert.Equal(2, await cluster.Runtime(silo).GetGrain<ILocalWorkerGrain>("local").WorkAsync());
        }

        Assert.Equal([1, 1, 1], [cluster.ActivationCount(0), cluster.ActivationCount(1), cluster.ActivationCount(2)]);
        Assert.Empty(cluster.Sent);

        // A view that gives silo 0 nothing to own leaves its local activation (and its count) where it is.
        cluster.SetViews(new Dictionary<string, SiloStatus> { [ids[1]] = SiloStatus.Active, [ids[2]] = SiloStatus.Active, [ids[0]] = SiloStatus.Joining });
        await cluster.Runtime(0).RebalanceAsync(Ct).Within();
        Assert.Equal(3, await cluster.Runtime(0).GetGrain<ILocalWorkerGrain>("local").WorkAsync());
        Assert.Empty(cluster.Sent);
    }

    [Fact]
    public async Task PlacedWith_AGrainLivesOnTheOwnerOfItsTarget_NotOfItsOwnKey()
    {
        await using var cluster = await InMemoryCluster.StartAsync(3);

        // A counter key silo 2 owns, whose companion key would by its own hash live elsewhere.
        var key = Enumerable.Range(0, 10_000).Select(static i => $"k{i}")
            .First(k => cluster.OwnerOf("counter", k) == 2 && cluster.OwnerOf("companion", k + "#c") != 2);
        Assert.Equal(key + "#c", await cluster.Runtime(0).GetGrain<ICompanionGrain>(key + "#c").PingAsync());
        Assert.Equal(1, await cluster.Runtime(1).GetGrain<ICounterGrain>(key).AddAsync(1));
        Assert.Equal([0, 0, 2], [cluster.ActivationCount(0), cluster.ActivationCount(1), cluster.ActivationCount(2)]);

        // Without a target the grain is placed by its own key.
        var plain = Enumerable.Range(0, 10_000).Select(static i => $"p{i}").First(k => cluster.OwnerOf("companion", k) == 1);
        await cluster.Runtime(0).GetGrain<ICompanionGrain>(plain).PingAsync();
        Assert.Equal(1, cluster.ActivationCount(1));

        // When silo 2 leaves, the companion and its counter move to the same new owner.
        var ids = cluster.SiloIds;
        cluster.SetViews(new Dictionary<string, SiloStatus> { [ids[0]] = SiloStatus.Active, [ids[1]] = SiloStatus.Active });
        await cluster.Runtime(2).RebalanceAsync(Ct).Within();
        Assert.Equal(0, cluster.ActivationCount(2));
        var newOwner = cluster.OwnerOf("counter", key, [ids[0], ids[1]]);
        var before = cluster.ActivationCount(newOwner);
        await cluster.Runtime(2).GetGrain<ICompanionGrain>(key + "#c").PingAsync();
        await cluster.Runtime(2).GetGrain<ICounterGrain>(key).GetAsync();
        Assert.Equal(before + 2, cluster.ActivationCount(newOwner));
        Assert.Equal(0, cluster.ActivationCount(2));
    }

    [Fact]
    public async Task Call_ToAnUnreachableSilo_IsRoutedAgainAfterRefreshing()
    {
        await using var cluster = await InMemoryCluster.StartAsync(3);
        var ids = cluster.SiloIds;
        var key = cluster.KeyOwnedBy(2, "counter");
        cluster.Unreachable.Add(ids[2]);

        // Silo 0 still lists silo 2; the refresh the failed send triggers drops it (as once it is declared dead).
        var membership = cluster.Membership(0);
        membership.SetView(ids.ToDictionary(static id => id, static _ => SiloStatus.Active));
        cluster.Membership(1).SetView(new Dictionary<string, SiloStatus> { [ids[0]] = SiloStatus.Active, [ids[1]] = SiloStatus.Active });
        var call = cluster.Runtime(0).GetGrain<ICounterGrain>(key).AddAsync(3);
        await Eventually.TrueAsync(() => membership.Refreshes > 0, "the failed send refreshed the membership");
        membership.SetView(new Dictionary<string, SiloStatus> { [ids[0]] = SiloStatus.Active, [ids[1]] = SiloStatus.Active });
        cluster.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(3, await call.Within());
        Assert.Contains(cluster.Sent, s => s.To == ids[2]);
    }

    [Fact]
    public async Task Call_ViewsDisagree_RunsWhereItLandsAfterTheHopLimit()
    {
        await using var cluster = await InMemoryCluster.StartAsync(2);
        var ids = cluster.SiloIds;
        var key = cluster.KeyOwnedBy(1, "valuetask");

        // Silo 0 sees both active (silo 1 owns the key); silo 1 has not seen itself become active yet (silo 0 owns it).
        cluster.Membership(1).SetView(new Dictionary<string, SiloStatus> { [ids[0]] = SiloStatus.Active, [ids[1]] = SiloStatus.Joining });

        Assert.Equal(4, await cluster.Runtime(0).GetGrain<IValueTaskGrain>(key).DoubleAsync(2).AsTask().Within());
        Assert.Equal(1, cluster.ActivationCount(0));
        Assert.Equal(["silo0->silo1 hops 1", "silo1->silo0 hops 2"], cluster.Sent.Select(static s => $"{s.From}->{s.To} hops {s.Hops}"));
    }

    [Fact]
    public async Task ShuttingDown_KeepsItsActivations_SendsNewOnesToTheActiveOwner()
    {
        await using var cluster = await InMemoryCluster.StartAsync(3);
        var ids = cluster.SiloIds;
        var kept = cluster.KeyOwnedBy(2, "counter", "kept");
        var fresh = cluster.KeyOwnedBy(2, "counter", "fresh");
        await cluster.Runtime(2).GetGrain<ICounterGrain>(kept).AddAsync(1);

        cluster.SetViews(new Dictionary<string, SiloStatus>
        {
            [ids[0]] = SiloStatus.Active, [ids[1]] = SiloStatus.Active, [ids[2]] = SiloStatus.ShuttingDown,
        });

        // Others still send silo 2's share to it (it owns what it holds until it is gone)...
        Assert.Equal(2, await cluster.Runtime(0).GetGrain<ICounterGrain>(kept).AddAsync(1));
        Assert.Equal(1, cluster.ActivationCount(2));

        // ...and it passes on what it holds no activation of, to the owner among the active silos.
        Assert.Equal(5, await cluster.Runtime(0).GetGrain<ICounterGrain>(fresh).AddAsync(5));
        Assert.Equal(1, cluster.ActivationCount(2));
        var next = cluster.OwnerOf("counter", fresh, [ids[0], ids[1]]);
        Assert.Contains(cluster.Sent, s => s.From == ids[2] && s.To == ids[next] && s.Hops == 2);
    }

    [Fact]
    public async Task ShuttingDown_TheLastSilo_StillActivatesLocally()
    {
        // A grain deactivating on the last silo may call another (a flush): nobody else can take it.
        await using var cluster = await InMemoryCluster.StartAsync(1);
        cluster.SetViews(new Dictionary<string, SiloStatus> { [cluster.SiloIds[0]] = SiloStatus.ShuttingDown });

        Assert.Equal(1, await cluster.Runtime(0).GetGrain<ICounterGrain>("last").AddAsync(1));
        Assert.Equal(1, cluster.ActivationCount(0));
        Assert.Empty(cluster.Sent);
    }

    [Fact]
    public async Task Call_NoSiloOwnsGrains_FailsTransiently()
    {
        await using var cluster = await InMemoryCluster.StartAsync(1);
        cluster.SetViews(new Dictionary<string, SiloStatus> { [cluster.SiloIds[0]] = SiloStatus.Joining });

        var error = await Assert.ThrowsAsync<ClusterUnavailableException>(() => cluster.Runtime(0).GetGrain<ICounterGrain>("early").AddAsync(1));
        Assert.True(error.IsTransient);
        Assert.Equal(0, cluster.ActivationCount(0));
    }

    [Fact]
    public async Task ForwardedCall_ToAStoppedRuntime_IsRefusedUnrun()
    {
        await using var cluster = await InMemoryCluster.StartAsync(2);
        await cluster.Runtime(1).StopAsync(Ct);
        var request = """{"interface":"MemOS.Runtime.Tests.Grains.ICounterGrain","key":"k","arguments":[1]}"""u8.ToArray();

        await Assert.ThrowsAsync<ClusterUnavailableException>(() => cluster.Runtime(1).InvokeForwardedCallAsync("counter", "AddAsync", 1, request, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => cluster.Runtime(0).InvokeForwardedCallAsync("counter", "NoSuchAsync", 1, request, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => cluster.Runtime(0).InvokeForwardedCallAsync("sequence", "AddAsync", 1, request, Ct));
        await Assert.ThrowsAsync<FormatException>(() => cluster.Runtime(0).InvokeForwardedCallAsync("counter", "AddAsync", 1, "[1]"u8.ToArray(), Ct));
        await Assert.ThrowsAsync<FormatException>(() => cluster.Runtime(0).InvokeForwardedCallAsync(
            "counter", "AddAsync", 1, """{"interface":"MemOS.Runtime.Tests.Grains.ICounterGrain","key":"k","arguments":[1, 2]}"""u8.ToArray(), Ct));
    }
}
