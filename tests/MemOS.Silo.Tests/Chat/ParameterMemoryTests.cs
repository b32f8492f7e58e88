using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Grains.Interfaces.Serialization;

namespace MemOS.Silo.Tests.Chat;

/// <summary>Parameter memory end to end on the real stories260K model: <c>POST /v1/memories/parameterize</c> trains a
/// LoRA adapter on a user's memories on the silo's worker (the memory texts' loss falls), <c>/v1/chat</c> then applies it,
/// says so and answers differently, and an update of a source memory makes the adapter stale (its file deleted, no longer
/// applied).</summary>
public sealed class ParameterMemoryTests(StoriesSiloFixture fixture, ITestOutputHelper output) : IClassFixture<StoriesSiloFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Day = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Parameterize_TrainsAnAdapter_ChatAppliesIt_AndAnUpdateMakesItStale()
    {
        fixture.RequireModel();
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        var added = await fixture.Client.AddAsync(new AddMemoriesRequest(user,
        [
            new ConversationMessage("D1:1", "Lily", "I found a red ball in the park.", Day),
            new ConversationMessage("D1:2", "Tom", "My dog Max likes to run after the ball.", Day.AddMinutes(1)),
        ], "story-1"), Cancel);
        var memories = added.Memories.Select(m => m.Memory).ToList();
        var question = new ChatRequest(user, "What did Lily find in the park?", MaxTokens: 24);
        var before = await fixture.Client.ChatAsync(question, Cancel);
        Assert.Empty(before.Adapters!);

        using var response = await fixture.Http.PostAsJsonAsync("v1/memories/parameterize",
            new ParameterizeRequest(user, [.. memories.Select(m => m.Id)], Rank: 4, Steps: 60), MemOSJsonContext.Default.ParameterizeRequest, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var requested = (await response.Content.ReadFromJsonAsync(MemOSJsonContext.Default.ParameterRecord, Cancel))!;
        Assert.Equal(ParameterOrigins.Request, requested.Origin);
        Assert.Equal((4, 60), (requested.Rank, requested.Steps));
        Assert.Equal(memories.Select(m => m.Id).Order(StringComparer.Ordinal), requested.Sources.Select(s => s.Id));

        var ready = await WaitForAsync(user, requested.Id, ParameterState.Ready);
        Assert.True(File.Exists(ready.AdapterPath), $"no adapter file at {ready.AdapterPath}");
        Assert.StartsWith(Path.Combine(Path.GetFullPath(fixture.DataDirectory), "lora"), ready.AdapterPath, StringComparison.Ordinal);
        Assert.True(ready.LossAfter < 0.9 * ready.LossBefore, $"memory loss {ready.LossBefore} -> {ready.LossAfter}");
        output.WriteLine($"memory loss {ready.LossBefore:F3} -> {ready.LossAfter:F3} nats/token in {ready.TrainSeconds:F2} s");

        var adapted = await fixture.Client.ChatAsync(question, Cancel);
        Assert.Equal([new ChatAdapter(ready.Id, 1f)], adapted.Adapters);
        Assert.NotEqual(before.Tokens, adapted.Tokens);
        output.WriteLine($"without: {before.Text}\nwith:    {adapted.Text}");

        var edited = memories[0];
        await fixture.Client.UpdateAsync(user, edited.Id, new MemoryUpdate(Tags: ["edited"]), edited.Version, Cancel);
        var stale = await WaitForAsync(user, requested.Id, ParameterState.Stale);
        Assert.Equal($"memory {edited.Id} changed to version {edited.Version + 1}", stale.Reason);
        Assert.False(File.Exists(ready.AdapterPath));
        var after = await fixture.Client.ChatAsync(question, Cancel);
        Assert.Empty(after.Adapters!);
    }

    private async Task<ParameterRecord> WaitForAsync(string user, string id, ParameterState state)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var record = (await fixture.Client.GetParametersAsync(user, Cancel)).Single(p => p.Id == id);
            if (record.State == state)
            {
                return record;
            }

            Assert.True(record.State != ParameterState.Failed, $"parameter {id} failed: {record.Reason}");
            Assert.True(waited.Elapsed < Eventually.DefaultTimeout, $"parameter {id} stayed {record.State} (step {record.Step}), never {state}");
            await Task.Delay(20, Cancel);
        }
    }
}
