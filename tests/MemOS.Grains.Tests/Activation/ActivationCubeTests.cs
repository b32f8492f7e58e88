using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Inference.Generation;

namespace MemOS.Grains.Tests.Activation;

/// <summary>Activation MemCubes: a chat over exactly an activated block restores it; a new version of a source, or its
/// erasure, makes the activation stale and drops its cache; a cache the store lost falls back to plaintext.</summary>
public sealed class ActivationCubeTests : ActivationTestBase
{
    [Fact]
    public async Task Chat_OverAnActivatedBlock_RestoresIt_AndNamesTheMemoriesAndTheirForm()
    {
        var (plain, activation) = await ChatThenActivateAsync();
        var injected = await ChatAsync();

        Assert.Equal(MemoryForms.Plaintext, plain.Form);
        Assert.All(plain.Memories, m => Assert.Equal(MemoryForms.Plaintext, m.Form));
        Assert.Equal(MemoryForms.Activation, injected.Form);
        Assert.All(injected.Memories, m => Assert.Equal(MemoryForms.Activation, m.Form));
        Assert.Equal(plain.Memories.Select(m => (m.Id, m.Version)), injected.Memories.Select(m => (m.Id, m.Version)));
        Assert.Equal(activation.Id, injected.ActivationId);
        Assert.Equal(FakeGenerationEngine.Answer, injected.Tokens);
        Assert.Equal([false, true], Engine.Restores);
        Assert.Equal(plain.Memories.Select(m => new MemorySource(m.Id, m.Version)), activation.Sources);
        Assert.Equal(FakeGenerationEngine.ModelSha256, activation.ModelSha256);
        Assert.Equal(FakeGenerationEngine.Template, activation.Template);
        Assert.Equal(plain.MemoryTokens, activation.TokenCount);
        Assert.Equal(plain.MemoryTokens * 16L, activation.SizeBytes);
        Assert.Equal(ActivationOrigins.Request, activation.Origin);
        var used = (await Scheduler.GetActivationsAsync(Cancel)).Single();
        Assert.Equal(1, used.UseCount);
        Assert.Equal(Host.Time.GetUtcNow(), used.LastUsedAt);
    }

    [Fact]
    public async Task UpdatingASourceMemory_MakesTheActivationStale_DropsItsCache_AndTheNextChatUsesTheNewVersion()
    {
        var (plain, activation) = await ChatThenActivateAsync();
        var source = plain.Memories[0];

        var updated = await Scheduler.UpdateMemoryAsync(source.Id, new MemoryUpdate(Tags: ["edited"]), source.Version, Cancel);

        var stale = (await Scheduler.GetActivationsAsync(Cancel)).Single();
        Assert.Equal(ActivationState.Stale, stale.State);
        Assert.Contains($"memory {source.Id} changed to version {updated.Version}", stale.Reason, StringComparison.Ordinal);
        Assert.Equal([activation.CacheKey], Engine.Dropped);
        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.Invalidated));

        var next = await ChatAsync();
        Assert.Equal(MemoryForms.Plaintext, next.Form);
        Assert.Equal(updated.Version, next.Memories.Single(m => m.Id == source.Id).Version);
        Assert.NotEqual(activation.Id, next.ActivationId);
    }

    [Fact]
    public async Task ErasingASourceMemory_AfterTheSchedulerWasDeactivated_MakesTheActivationStale()
    {
        var (plain, activation) = await ChatThenActivateAsync();
        await Host.DeactivateIdleAsync(); // the registry of activations comes back from storage

        await Scheduler.DeleteMemoryAsync(plain.Memories[^1].Id, null, Cancel);

        var stale = (await Scheduler.GetActivationsAsync(Cancel)).Single();
        Assert.Equal(ActivationState.Stale, stale.State);
        Assert.Equal($"memory {plain.Memories[^1].Id} was erased", stale.Reason);
        Assert.Equal([activation.CacheKey], Engine.Dropped);
    }

    [Fact]
    public async Task Use_WithOtherVersionsThanItsSources_MakesTheCubeStale()
    {
        var (_, activation) = await ChatThenActivateAsync();
        var cube = Host.Grains.GetGrain<IActivationCubeGrain>(MemCubeKeys.Cube("t1", MemCubeKeys.PrivateSpace(User), activation.Id));
        var newer = activation.Sources.Select((s, i) => i == 0 ? s with { Version = s.Version + 1 } : s).ToList();

        var used = await cube.UseAsync(newer, Cancel);

        Assert.Equal(ActivationState.Stale, used.State);
        Assert.Equal($"memory {activation.Sources[0].Id} is no longer at version {activation.Sources[0].Version}", used.Reason);
        Assert.Equal(ActivationState.Stale, (await cube.UseAsync(activation.Sources, Cancel)).State); // final
        Assert.Equal(0, (await cube.GetAsync(Cancel)).UseCount);
    }

    [Fact]
    public async Task Chat_WhenTheStoreLostTheCache_PrefillsTheText_AndMarksTheActivationEvicted()
    {
        var (_, activation) = await ChatThenActivateAsync();
        Engine.Evict(activation.CacheKey);

        var chat = await ChatAsync();

        Assert.Equal(MemoryForms.Plaintext, chat.Form);
        Assert.True(chat.CacheMiss);
        Assert.Equal(ActivationState.Evicted, (await Scheduler.GetActivationsAsync(Cancel)).Single().State);
        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.Evicted));

        // Asked again, the evicted activation goes back to pending and is computed again.
        var again = await Scheduler.ActivateAsync([.. chat.Memories.Select(m => m.Id)], Cancel);
        Assert.Equal(activation.Id, again.Id);
        await Engine.WaitForPrecomputeAsync();
        await WaitForStateAsync(activation.Id, ActivationState.Ready);
        Assert.Equal(MemoryForms.Activation, (await ChatAsync()).Form);
    }

    [Fact]
    public async Task Activate_NamesUnknownOrRepeatedMemories_IsRefused()
    {
        await Assert.ThrowsAsync<Interfaces.Errors.MemoryNotFoundException>(() => Scheduler.ActivateAsync(["01NOPE"], Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => Scheduler.ActivateAsync([Memories[0].Id, Memories[0].Id], Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => Scheduler.ActivateAsync([], Cancel));
        Assert.Empty(await Scheduler.GetActivationsAsync(Cancel));
    }

    [Fact]
    public async Task Chat_ForAUserWithoutMemories_GeneratesFromTheMessageAlone()
    {
        var other = Host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "bob"));

        var chat = await other.ChatAsync(new ChatQuery("Hello?"), Cancel);

        Assert.Null(chat.Form);
        Assert.Empty(chat.Memories);
        Assert.Equal(0, chat.MemoryTokens);
        Assert.Equal("Hello?".Length + 1, chat.PromptTokens);
    }

    [Fact]
    public async Task Chat_WithoutAGenerationModel_SaysInferenceIsUnavailable()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database, engine: new UnavailableGenerationEngine("Set MemOS:Inference:ModelPath."));
        var scheduler = host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", User));

        var error = await Assert.ThrowsAsync<InferenceUnavailableException>(() => scheduler.ChatAsync(new ChatQuery("Hi"), Cancel));

        Assert.Equal("Set MemOS:Inference:ModelPath.", error.Message);
        Assert.Empty(await scheduler.GetActivationsAsync(Cancel));
    }
}
