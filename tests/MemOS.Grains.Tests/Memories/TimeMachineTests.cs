using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Tests.Memories;

/// <summary>The Time Machine on one MemCube: <c>GetAsOfAsync</c> returns exactly the version visible at a transaction
/// time; <c>RollbackAsync</c> restores an earlier version's content as a new version (append-only).</summary>
public sealed class TimeMachineTests : GrainTestBase
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IMemCubeGrain Cube(string id = "01HZZZZZZZZZZZZZZZZZZZZZZZ")
        => Host.Grains.GetGrain<IMemCubeGrain>(MemCubeKeys.Cube("t1", MemCubeKeys.PrivateSpace("alice"), id));

    private static MemCubeDraft Draft(string text) => new(
        "alice", MemoryKinds.Turn, text,
        new MemoryProvenance("conv-1", ["D1:3"], "Ana", new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero), new MemoryProducer("test", "1"), []),
        null, ["t0"], ["Ana"]);

    /// <summary>Creates (v1), activates (v2), then two updates a minute apart (v3, v4); returns the time of each.</summary>
    private async Task<DateTimeOffset[]> WriteFourVersionsAsync()
    {
        var times = new List<DateTimeOffset> { Host.Time.GetUtcNow() };
        await Cube().CreateAsync(Draft("Ana lives in Lisbon."), Ct);
        await Cube().ActivateAsync(Ct);
        times.Add(Host.Time.GetUtcNow());
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        await Cube().UpdateAsync(new MemoryUpdate("Ana lives in Porto.", ["t1"]), 2, cancellationToken: Ct);
        times.Add(Host.Time.GetUtcNow());
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        await Cube().UpdateAsync(new MemoryUpdate("Ana lives in Madrid.", ["t2"]), 3, cancellationToken: Ct);
        times.Add(Host.Time.GetUtcNow());
        return [.. times];
    }

    [Fact]
    public async Task GetAsOf_ReturnsTheVersionVisibleThen()
    {
        var times = await WriteFourVersionsAsync();

        // Created and activated at the same instant: v2 is the last version at that time.
        var first = await Cube().GetAsOfAsync(times[0], Ct);
        Assert.Equal((2L, "Ana lives in Lisbon.", MemCubeLifecycle.Activated), (first.Version, first.Text, first.State));
        Assert.Equal(["t0"], first.Tags);

        var between = await Cube().GetAsOfAsync(times[2].AddSeconds(30), Ct);
        Assert.Equal((3L, "Ana lives in Porto."), (between.Version, between.Text));
        Assert.Equal(["t1"], between.Tags);
        Assert.Equal(times[2], between.UpdatedAt);

        var now = await Cube().GetAsOfAsync(times[3].AddDays(1), Ct);
        Assert.Equal((4L, "Ana lives in Madrid."), (now.Version, now.Text));

        // Reading the past changes nothing.
        Assert.Equal(4, (await Cube().GetAsync(Ct)).Version);
    }

    [Fact]
    public async Task GetAsOf_BeforeTheCubeExisted_IsNotFound()
    {
        var times = await WriteFourVersionsAsync();
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Cube().GetAsOfAsync(times[0].AddTicks(-1), Ct));
    }

    [Fact]
    public async Task GetAsOf_AfterErasure_IsNotFoundForEveryTime()
    {
        var times = await WriteFourVersionsAsync();
        await Cube().DeleteAsync(null, Ct);
        foreach (var time in times)
        {
            await Assert.ThrowsAsync<MemoryNotFoundException>(() => Cube().GetAsOfAsync(time, Ct));
        }
    }

    [Fact]
    public async Task Rollback_RestoresTheContentAsANewVersion_HistoryAppendOnly()
    {
        await WriteFourVersionsAsync();
        var embedding = new MemoryEmbedding("test-model", [1f, 0f]);
        var rolled = await Cube().RollbackAsync(2, 4, embedding, Ct);
        Assert.Equal((5L, "Ana lives in Lisbon."), (rolled.Version, rolled.Text));
        Assert.Equal(["t0"], rolled.Tags);
        Assert.Equal(embedding, await Cube().GetEmbeddingAsync(Ct));

        var history = await Cube().GetHistoryAsync(Ct);
        Assert.Equal(["created", "activated", "updated", "updated", "rolled_back_to_v2"], history.Versions.Select(v => v.Change));
        Assert.Equal(["Ana lives in Lisbon.", "Ana lives in Lisbon.", "Ana lives in Porto.", "Ana lives in Madrid.", "Ana lives in Lisbon."],
            history.Versions.Select(v => v.Text));

        // A rollback is itself a version: rolling back to v4 brings Madrid back.
        var again = await Cube().RollbackAsync(4, 5, null, Ct);
        Assert.Equal((6L, "Ana lives in Madrid."), (again.Version, again.Text));
    }

    [Fact]
    public async Task Rollback_WithAStaleVersion_ConflictsAndWritesNothing()
    {
        await WriteFourVersionsAsync();
        var conflict = await Assert.ThrowsAsync<VersionConflictException>(() => Cube().RollbackAsync(2, 3, null, Ct));
        Assert.Equal(4, conflict.CurrentVersion);
        Assert.Equal(4, (await Cube().GetAsync(Ct)).Version);
        Assert.Equal(4, (await Cube().GetHistoryAsync(Ct)).Versions.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(-3)]
    public async Task Rollback_ToAVersionThatIsNotAnEarlierOne_IsRejected(long to)
    {
        await WriteFourVersionsAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Cube().RollbackAsync(to, 4, null, Ct));
        Assert.Equal(4, (await Cube().GetAsync(Ct)).Version);
    }

    [Fact]
    public async Task Rollback_OfAnErasedCube_IsNotFound()
    {
        await WriteFourVersionsAsync();
        await Cube().DeleteAsync(null, Ct);
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Cube().RollbackAsync(2, 5, null, Ct));
    }
}
