using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Testing;

namespace MemOS.Grains.Tests.Memories;

public sealed class MemCubeGrainTests : GrainTestBase
{
    private IMemCubeGrain Cube(string id = "01HZZZZZZZZZZZZZZZZZZZZZZZ")
        => Host.Grains.GetGrain<IMemCubeGrain>(MemCubeKeys.Cube("t1", MemCubeKeys.PrivateSpace("alice"), id));

    private static MemCubeDraft Draft(string text = "Caroline went to a support group.") => new(
        "alice", MemoryKinds.Turn, text,
        new MemoryProvenance("conv-1", ["D1:3"], "Caroline", new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero),
            new MemoryProducer("test", "1"), []),
        new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero), ["t"], ["Caroline"]);

    [Fact]
    public async Task Create_ThenActivate_WritesTwoVersions()
    {
        var created = await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        Assert.Equal(MemCubeLifecycle.Generated, created.State);
        Assert.Equal(1, created.Version);
        Assert.Equal("t1", created.TenantId);
        Assert.Equal("u:alice", created.SpaceKey);

        var activated = await Cube().ActivateAsync(TestContext.Current.CancellationToken);
        Assert.Equal(MemCubeLifecycle.Activated, activated.State);
        Assert.Equal(2, activated.Version);
        var history = await Cube().GetHistoryAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["created", "activated"], history.Versions.Select(v => v.Change));
        Assert.Equal([MemCubeLifecycle.Generated, MemCubeLifecycle.Activated], history.Versions.Select(v => v.State));
    }

    [Fact]
    public async Task Activate_WhenAlreadyActivated_IsRejectedAndChangesNothing()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Cube().ActivateAsync(TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<InvalidLifecycleTransitionException>(() => Cube().ActivateAsync(TestContext.Current.CancellationToken));
        Assert.Equal(MemCubeLifecycle.Activated, error.Current);
        Assert.Equal(MemCubeLifecycle.Activated, error.Requested);
        Assert.Equal(2, (await Cube().GetAsync(TestContext.Current.CancellationToken)).Version);
    }

    [Fact]
    public async Task Create_WhenExists_Throws()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Cube().CreateAsync(Draft("other"), TestContext.Current.CancellationToken));
        Assert.Equal("Caroline went to a support group.", (await Cube().GetAsync(TestContext.Current.CancellationToken)).Text);
    }

    [Fact]
    public async Task Create_WithBlankText_IsRejected()
        => await Assert.ThrowsAsync<ArgumentException>(() => Cube().CreateAsync(Draft("  "), TestContext.Current.CancellationToken));

    [Fact]
    public async Task Update_AppendsVersion_AndHistoryKeepsEarlierText()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Cube().ActivateAsync(TestContext.Current.CancellationToken);
        Host.Time.Advance(TimeSpan.FromHours(1));
        var updated = await Cube().UpdateAsync(new MemoryUpdate(Text: "Caroline went to two support groups."), 2,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, updated.Version);
        Assert.Equal(Host.Time.GetUtcNow(), updated.UpdatedAt);
        Assert.True(updated.CreatedAt < updated.UpdatedAt);

        var history = await Cube().GetHistoryAsync(TestContext.Current.CancellationToken);
        Assert.Equal([1L, 2L, 3L], history.Versions.Select(v => v.Version));
        Assert.Equal("Caroline went to a support group.", history.Versions[1].Text);
        Assert.Equal("Caroline went to two support groups.", history.Versions[2].Text);
    }

    [Fact]
    public async Task Update_WithStaleVersion_ThrowsConflictAndKeepsState()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Cube().ActivateAsync(TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<VersionConflictException>(() =>
            Cube().UpdateAsync(new MemoryUpdate(Text: "stale"), 1, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(2, error.CurrentVersion);
        var current = await Cube().GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, current.Version);
        Assert.Equal("Caroline went to a support group.", current.Text);
        Assert.Equal(2, (await Cube().GetHistoryAsync(TestContext.Current.CancellationToken)).Versions.Count);
    }

    [Fact]
    public async Task Update_ValidToBeforeValidFrom_IsRejected()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<ArgumentException>(() => Cube().UpdateAsync(
            new MemoryUpdate(ValidTo: new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)), 1, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Delete_ErasesTextFromEveryVersion_AndLaterCallsSeeNothing()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Cube().ActivateAsync(TestContext.Current.CancellationToken);
        await Cube().UpdateAsync(new MemoryUpdate(Text: "second text"), 2, cancellationToken: TestContext.Current.CancellationToken);
        await Cube().DeleteAsync(3, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Cube().GetAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Cube().ActivateAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() =>
            Cube().UpdateAsync(new MemoryUpdate(Text: "x"), 4, cancellationToken: TestContext.Current.CancellationToken));
        var history = await Cube().GetHistoryAsync(TestContext.Current.CancellationToken);
        Assert.Equal(MemCubeLifecycle.Deleted, history.Versions[^1].State);
        Assert.All(history.Versions, v => Assert.Equal("", v.Text));

        await Host.DeactivateIdleAsync();
        var reloaded = await Cube().GetHistoryAsync(TestContext.Current.CancellationToken);
        Assert.All(reloaded.Versions, v => Assert.DoesNotContain("text", v.Text));
        Assert.Equal(4, reloaded.Versions.Count);
    }

    [Fact]
    public async Task Delete_WithStaleVersion_ErasesNothing()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<VersionConflictException>(() => Cube().DeleteAsync(7, TestContext.Current.CancellationToken));
        Assert.Equal("Caroline went to a support group.", (await Cube().GetAsync(TestContext.Current.CancellationToken)).Text);
    }

    [Fact]
    public async Task State_SurvivesIdleDeactivation_IncludingAccessCounts()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        await Cube().ActivateAsync(TestContext.Current.CancellationToken);
        await Cube().RecordAccessAsync(3, Host.Time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(1, Host.Runtime.ActivationCount);

        await Host.DeactivateIdleAsync();
        Assert.Equal(0, Host.Runtime.ActivationCount);

        var reloaded = await Cube().GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, reloaded.Version);
        Assert.Equal(MemCubeLifecycle.Activated, reloaded.State);
        Assert.Equal(4, reloaded.Access.Count);
        Assert.Equal(["D1:3"], reloaded.Provenance.MessageIds);
    }

    [Fact]
    public async Task AccessFrequency_DecaysWithHalfLifeOfSevenDays()
    {
        await Cube().CreateAsync(Draft(), TestContext.Current.CancellationToken);
        var start = Host.Time.GetUtcNow();
        await Cube().RecordAccessAsync(4, start, TestContext.Current.CancellationToken);
        await Cube().RecordAccessAsync(1, start.AddDays(7), TestContext.Current.CancellationToken);
        var access = (await Cube().GetAsync(TestContext.Current.CancellationToken)).Access;
        // 4 halves to 2 over one half-life, +1, then the get itself counts one more at the fake clock's "now" (start).
        Assert.Equal(3.0 + 1.0, access.DecayedFrequency, 6);
        Assert.Equal(6, access.Count);
    }
}
