using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>Saving and restoring a sequence's KV state, over the real stories260K model.</summary>
public sealed class LlamaStateTests
{
    private const string Memory = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog.";
    private const string Continuation = " One day, she saw a big red ball";

    private static readonly LlamaContextOptions Options = new() { ContextTokens = 256, Threads = 1 };

    [Fact]
    public void RestoredState_InAFreshContext_GivesTheSameLogitsAsThePromptDecodedWhole()
    {
        var model = LlamaTestAssets.Stories();
        var memory = model.Tokenize(Memory);
        var continuation = model.Tokenize(Continuation, addSpecial: false);

        var (state, expected) = SaveThenContinue(model, memory, continuation);

        using var fresh = model.CreateContext(Options);
        Assert.Equal(memory.Length, fresh.RestoreSequenceState(0, state));
        Assert.Equal(memory.Length - 1, fresh.GetMaxPosition(0));
        Assert.Equal(memory.Length + continuation.Length, fresh.Prefill(continuation));
        var actual = new float[model.VocabularySize];
        fresh.CopyLogits(-1, actual);
        Assert.Equal(expected, actual); // bit for bit
    }

    [Fact]
    public void RestoredState_GoesIntoAnotherSequence_OfAUnifiedContext()
    {
        var model = LlamaTestAssets.Stories();
        var memory = model.Tokenize(Memory);
        var continuation = model.Tokenize(Continuation, addSpecial: false);
        var (state, expected) = SaveThenContinue(model, memory, continuation);

        using var unified = model.CreateContext(Options with { Sequences = 3, UnifiedKvCache = true });
        Assert.Equal(1, unified.KvStreams);
        unified.Prefill(model.Tokenize("The cat sat."), sequenceId: 0, outputLast: false);
        Assert.Equal(memory.Length, unified.RestoreSequenceState(2, state));
        unified.Prefill(continuation, sequenceId: 2);
        var actual = new float[model.VocabularySize];
        unified.CopyLogits(-1, actual);
        Assert.All(actual.Zip(expected), pair => Assert.Equal(pair.Second, pair.First, 1e-4f));
        Assert.Equal(Array.IndexOf(expected, expected.Max()), Array.IndexOf(actual, actual.Max()));

        // A copy shares the restored cells: the copy continues the same way.
        unified.RemoveTokens(2, memory.Length);
        unified.CopySequence(2, 1);
        Assert.Equal(memory.Length - 1, unified.GetMaxPosition(1));
    }

    [Fact]
    public void RestoreSequenceState_ReplacesWhatTheSequenceHeld()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(Options);
        var empty = context.SaveSequenceState(0);
        context.Prefill(model.Tokenize(Memory), outputLast: false);
        var full = context.SaveSequenceState(0);
        Assert.True(full.Length > empty.Length * 100);

        context.Prefill(model.Tokenize(Continuation, addSpecial: false), outputLast: false);
        Assert.Equal(model.Tokenize(Memory).Length, context.RestoreSequenceState(0, full));
        Assert.Equal(0, context.RestoreSequenceState(0, empty));
        Assert.Equal(-1, context.GetMaxPosition(0));
    }

    [Fact]
    public void States_MoveBetweenContextsWithAStreamPerSequence_AndOneStream()
    {
        var model = LlamaTestAssets.Stories();
        var memory = model.Tokenize(Memory);
        var continuation = model.Tokenize(Continuation, addSpecial: false);
        var (single, expected) = SaveThenContinue(model, memory, continuation);

        using var streams = model.CreateContext(Options with { Sequences = 3 });
        Assert.Equal(3, streams.KvStreams);
        streams.Prefill(memory, sequenceId: 1, outputLast: false);
        var fromStreams = streams.SaveSequenceState(1);
        Assert.Equal(streams.GetSequenceStateSize(1), fromStreams.Length);
        Assert.Equal(single.Length, fromStreams.Length); // the one-stream form
        // The same cells: only the source sequence id differs, in the header and in each cell.
        Assert.InRange(single.Zip(fromStreams).Count(pair => pair.First != pair.Second), 1, memory.Length + 1);
        Assert.Equal(16, streams.SaveSequenceState(2).Length); // an empty sequence: header and one zero count
        Assert.Throws<InvalidOperationException>(() => streams.CopySequence(1, 0)); // llama.cpp would abort

        // One-stream state into the last stream of the three: the sequence continues as the original did.
        Assert.Equal(memory.Length, streams.RestoreSequenceState(2, single));
        streams.Prefill(continuation, sequenceId: 2);
        var actual = new float[model.VocabularySize];
        streams.CopyLogits(-1, actual);
        Assert.Equal(expected, actual);

        using var fresh = model.CreateContext(Options);
        Assert.Equal(memory.Length, fresh.RestoreSequenceState(0, fromStreams));
        fresh.Prefill(continuation);
        fresh.CopyLogits(-1, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RestoreSequenceState_RefusesForeignOrDamagedData_AndLeavesTheSequenceEmpty()
    {
        var model = LlamaTestAssets.Stories();
        var memory = model.Tokenize(Memory);
        using var context = model.CreateContext(Options);
        context.Prefill(memory, outputLast: false);
        var state = context.SaveSequenceState(0);
        var twoStreams = state.ToArray();
        twoStreams[8] = 2;
        var error = Assert.Throws<ArgumentException>(() => context.RestoreSequenceState(0, twoStreams));
        Assert.Contains("several KV streams", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => context.RestoreSequenceState(0, new byte[64]));
        Assert.Throws<ArgumentException>(() => context.RestoreSequenceState(0, state.AsSpan(0, 8)));

        var truncated = Assert.Throws<LlamaException>(() => context.RestoreSequenceState(0, state.AsSpan(0, state.Length - 100)));
        Assert.Contains("restore", truncated.Message, StringComparison.Ordinal);
        Assert.Equal(-1, context.GetMaxPosition(0));
        Assert.Equal(memory.Length, context.RestoreSequenceState(0, state)); // still usable
    }

    [Fact]
    public void SaveSequenceState_IntoASpan_NeedsRoomAndAValidSequence()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(Options);
        context.Prefill(model.Tokenize(Memory), outputLast: false);
        var size = context.GetSequenceStateSize(0);
        var buffer = new byte[size + 10];
        Assert.Equal(size, context.SaveSequenceState(0, buffer));
        Assert.Equal(context.SaveSequenceState(0), buffer[..(int)size]);
        Assert.Throws<ArgumentException>(() => context.SaveSequenceState(0, new byte[size - 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.SaveSequenceState(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.RestoreSequenceState(-1, buffer));
    }

    [Fact]
    public void PrefillSequences_GivesEachSequenceTheStateOfItsPromptDecodedAlone()
    {
        var model = LlamaTestAssets.Stories();
        string[] texts = [Memory, "The dog ran to the park.", "Tom wanted a new toy car for his birthday, so he asked his mom."];
        var prompts = texts.Select(t => model.Tokenize(t)).ToArray();
        using var batched = model.CreateContext(new LlamaContextOptions
        {
            ContextTokens = 256, BatchTokens = 32, Sequences = 4, UnifiedKvCache = true, Threads = 1,
        });
        batched.PrefillSequences([.. prompts.Select(p => (ReadOnlyMemory<int>)p)], firstSequenceId: 1);
        Assert.Equal(-1, batched.GetMaxPosition(0));
        var states = Enumerable.Range(1, texts.Length).Select(batched.SaveSequenceState).ToArray();

        using var sampler = LlamaSampler.CreateGreedy();
        using var alone = model.CreateContext(Options);
        for (var s = 0; s < texts.Length; s++)
        {
            Assert.Equal(prompts[s].Length - 1, batched.GetMaxPosition(s + 1));
            alone.ClearMemory();
            var expected = alone.Generate(prompts[s], sampler, 16).Tokens;
            alone.ClearMemory();
            alone.RestoreSequenceState(0, states[s]);
            var last = prompts[s][^1];
            alone.RemoveTokens(0, prompts[s].Length - 1); // decode the last prompt token again, for its logits
            Assert.Equal(expected, alone.Generate([last], sampler, 16).Tokens);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => batched.PrefillSequences([prompts[0], prompts[1]], firstSequenceId: 3));
        Assert.Throws<ArgumentException>(() => batched.PrefillSequences([prompts[0], Array.Empty<int>()]));
    }

    // Decodes the memory, saves its state, then decodes the continuation: the state and the logits that follow.
    private static (byte[] State, float[] Logits) SaveThenContinue(LlamaModel model, int[] memory, int[] continuation)
    {
        using var context = model.CreateContext(Options);
        Assert.Equal(memory.Length, context.Prefill(memory, outputLast: false));
        var state = context.SaveSequenceState(0);
        Assert.Equal(context.GetSequenceStateSize(0), state.Length);
        context.Prefill(continuation);
        var logits = new float[model.VocabularySize];
        context.CopyLogits(-1, logits);
        return (state, logits);
    }
}
