using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Parameters;
using MemOS.Inference.Generation;

namespace MemOS.Grains.Tests.Activation;

/// <summary>A grain host with a <see cref="FakeGenerationEngine"/>, a fake clock and activation options per test, and a
/// user with four memories.</summary>
public abstract class ActivationTestBase : IAsyncLifetime
{
    protected const string User = "alice";

    protected static readonly DateTimeOffset SessionTime = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private readonly TempDatabase _database = new();

    internal FakeGenerationEngine Engine { get; } = new();

    protected GrainTestHost Host { get; private set; } = null!;

    protected IReadOnlyList<MemoryRecord> Memories { get; private set; } = [];

    protected InferenceMetrics Metrics => Host.Service<InferenceMetrics>();

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected IMemSchedulerGrain Scheduler => Host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", User));

    public async ValueTask InitializeAsync()
    {
        Host = await GrainTestHost.StartAsync(_database, engine: Engine, activation: Configure, parameter: ConfigureParameters);
        var added = await Scheduler.AddMessagesAsync("c1",
        [
            new ConversationMessage("D1:1", "Caroline", "I went to an LGBTQ support group yesterday.", SessionTime),
            new ConversationMessage("D1:2", "Melanie", "I painted a sunrise over the lake last year.", SessionTime),
            new ConversationMessage("D1:3", "Caroline", "I'm going to study counseling and mental health.", SessionTime),
            new ConversationMessage("D1:4", "Melanie", "My kids love camping by the lake in summer.", SessionTime),
        ], Cancel);
        Memories = [.. added.Memories.Select(m => m.Memory)];
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _database.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The test's activation settings (defaults: requests sent one by one, no automatic promotion).</summary>
    protected virtual void Configure(ActivationOptions options)
    {
        options.AutoPromote = false;
        options.BatchSize = 1;
        options.DemoteAfterIdle = TimeSpan.FromDays(30);
    }

    /// <summary>The test's parameter-memory settings (defaults: the options' own, no automatic migration).</summary>
    protected virtual void ConfigureParameters(ParameterOptions options)
    {
    }

    protected Task<ChatResponse> ChatAsync(string message = "What did Caroline want to study?")
        => Scheduler.ChatAsync(new ChatQuery(message), Cancel);

    /// <summary>Polls the scheduler until an activation reaches a state (the worker completes it in its own turns).</summary>
    protected async Task<ActivationRecord> WaitForStateAsync(string activationId, ActivationState state)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var record = (await Scheduler.GetActivationsAsync(Cancel)).Single(a => a.Id == activationId);
            if (record.State == state)
            {
                return record;
            }

            Assert.True(waited.Elapsed < Eventually.DefaultTimeout, $"activation {activationId} stayed {record.State}, never {state}");
            await Task.Delay(5, Cancel);
        }
    }

    /// <summary>A chat, then an explicit activation of exactly the memories it used, computed.</summary>
    protected async Task<(ChatResponse Chat, ActivationRecord Activation)> ChatThenActivateAsync()
    {
        var chat = await ChatAsync();
        var requested = await Scheduler.ActivateAsync([.. chat.Memories.Select(m => m.Id)], Cancel);
        await Engine.WaitForPrecomputeAsync();
        return (chat, await WaitForStateAsync(requested.Id, ActivationState.Ready));
    }
}
