using System.Diagnostics;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Inference.Generation;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Silo.Tests.Chat;

/// <summary><c>/v1/chat</c> end to end on the real stories260K model: the answer names the memories used and their form;
/// a block promoted after two uses is injected as a KV cache on the next chat, with greedy output token for token
/// identical to the plaintext prompt's; explicit activations batch into one decode; an update makes an activation
/// stale.</summary>
public sealed class ChatWithModelTests(StoriesSiloFixture fixture, ITestOutputHelper output) : IClassFixture<StoriesSiloFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Day = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Chat_AfterPromotion_InjectsTheBlockAsActivation_WithIdenticalGreedyTokens()
    {
        fixture.RequireModel();
        var user = await AddStoryAsync();
        var request = new ChatRequest(user, "What did Lily find in the park?", MaxTokens: 32);

        var first = await fixture.Client.ChatAsync(request, Cancel);
        var second = await fixture.Client.ChatAsync(request, Cancel); // the second use promotes the block

        Assert.Equal(MemoryForms.Plaintext, first.Form);
        Assert.NotEmpty(first.Memories);
        Assert.All(first.Memories, m => Assert.Equal(MemoryForms.Plaintext, m.Form));
        Assert.Null(first.ActivationId);
        Assert.Equal(MemoryForms.Plaintext, second.Form);
        Assert.NotNull(second.ActivationId);
        Assert.Equal(first.Tokens, second.Tokens);

        fixture.Time.Advance(StoriesSiloFixture.BatchWindow); // closes the batching window: the request goes to the worker
        var ready = await WaitForReadyAsync(user, second.ActivationId!);
        Assert.Equal(ActivationOrigins.Promotion, ready.Origin);
        Assert.Equal(first.MemoryTokens, ready.TokenCount);
        Assert.True(ready.SizeBytes > 0);
        Assert.Equal(first.Memories.Select(m => new MemorySource(m.Id, m.Version)), ready.Sources);

        var injected = await fixture.Client.ChatAsync(request, Cancel);

        Assert.Equal(MemoryForms.Activation, injected.Form);
        Assert.All(injected.Memories, m => Assert.Equal(MemoryForms.Activation, m.Form));
        Assert.Equal(first.Memories.Select(m => (m.Id, m.Version)), injected.Memories.Select(m => (m.Id, m.Version)));
        Assert.Equal(second.ActivationId, injected.ActivationId);
        Assert.Equal(first.Tokens, injected.Tokens); // token for token, greedy, with and without KV injection
        Assert.Equal(first.Text, injected.Text);
        Assert.Equal(first.PromptTokens - first.MemoryTokens, injected.PromptTokens); // only the message was prefilled
        Assert.True(injected.TimeToFirstTokenMs > 0);
        Assert.False(string.IsNullOrWhiteSpace(injected.Model));
        output.WriteLine($"memory block {first.MemoryTokens} tokens, message {injected.PromptTokens} tokens; time to first token: " +
                         $"plaintext {first.TimeToFirstTokenMs:F2} / {second.TimeToFirstTokenMs:F2} ms, activation {injected.TimeToFirstTokenMs:F2} ms");
        output.WriteLine($"model {injected.Model}; answer: {injected.Text}");
    }

    [Fact]
    public async Task Activate_SeveralBlocksInOneWindow_AreDecodedInOneBatch_AndAnUpdateMakesOneStale()
    {
        fixture.RequireModel();
        var user = await AddStoryAsync();
        var memories = (await fixture.Client.SearchAsync(new MemOS.Grains.Interfaces.Search.SearchRequest(user, "Lily park ball dog", TopK: 3), Cancel)).Hits;
        var metrics = fixture.Silo.Services.GetRequiredService<InferenceMetrics>();
        var decodesBefore = metrics.PrecomputeDecodes;

        var requested = new List<ActivationRecord>();
        foreach (var hit in memories)
        {
            requested.Add(await fixture.Client.ActivateAsync(new ActivateRequest(user, [hit.Id]), Cancel));
        }

        Assert.All(requested, r => Assert.Equal(ActivationState.Pending, r.State));
        fixture.Time.Advance(StoriesSiloFixture.BatchWindow);
        foreach (var r in requested)
        {
            await WaitForReadyAsync(user, r.Id);
        }

        Assert.Equal(decodesBefore + 1, metrics.PrecomputeDecodes); // three blocks, one multi-sequence decode
        var again = await fixture.Client.ActivateAsync(new ActivateRequest(user, [memories[0].Id]), Cancel);
        Assert.Equal(ActivationState.Ready, again.State);

        var current = await fixture.Client.GetAsync(user, memories[0].Id, Cancel);
        await fixture.Client.UpdateAsync(user, memories[0].Id, new MemoryUpdate(Text: current.Text + " It was sunny."), current.Version, Cancel);

        var states = (await fixture.Client.GetActivationsAsync(user, Cancel)).ToDictionary(a => a.Id);
        Assert.Equal(ActivationState.Stale, states[requested[0].Id].State);
        Assert.Contains(memories[0].Id, states[requested[0].Id].Reason, StringComparison.Ordinal);
        Assert.Equal(ActivationState.Ready, states[requested[1].Id].State);
    }

    private async Task<string> AddStoryAsync()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Client.AddAsync(new AddMemoriesRequest(user,
        [
            new ConversationMessage("D1:1", "Lily", "I found a red ball in the park.", Day),
            new ConversationMessage("D1:2", "Tom", "My dog Max likes to run after the ball.", Day.AddMinutes(1)),
            new ConversationMessage("D1:3", "Lily", "We played in the park until the sun went down.", Day.AddMinutes(2)),
            new ConversationMessage("D1:4", "Tom", "Mom made a big cake for my birthday.", Day.AddMinutes(3)),
        ], "story-1"), Cancel);
        return user;
    }

    private async Task<ActivationRecord> WaitForReadyAsync(string user, string activationId)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var activation = (await fixture.Client.GetActivationsAsync(user, Cancel)).Single(a => a.Id == activationId);
            if (activation.State == ActivationState.Ready)
            {
                return activation;
            }

            Assert.True(activation.State == ActivationState.Pending, $"activation {activationId} is {activation.State}: {activation.Reason}");
            Assert.True(waited.Elapsed < Eventually.DefaultTimeout, $"activation {activationId} never became ready");
            await Task.Delay(10, Cancel);
        }
    }
}
