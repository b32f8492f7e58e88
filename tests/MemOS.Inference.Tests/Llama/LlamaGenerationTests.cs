using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>Greedy and sampled generation, and generation after a restored memory, over the real stories260K model.</summary>
public sealed class LlamaGenerationTests
{
    private const string Memory = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
    private const string Query = " One day, she";

    private static readonly LlamaContextOptions Options = new() { ContextTokens = 256, Threads = 1 };

    [Fact]
    public void Generate_Greedy_IsDeterministic_AndWritesAStory()
    {
        var model = LlamaTestAssets.Stories();
        var prompt = model.Tokenize("Once upon a time");
        using var sampler = LlamaSampler.CreateGreedy();
        using var first = model.CreateContext(Options);
        var a = first.Generate(prompt, sampler, 24);
        using var second = model.CreateContext(Options);
        var b = second.Generate(prompt, sampler, 24);

        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(prompt.Length, a.PromptTokens);
        Assert.InRange(a.Tokens.Count, 1, 24);
        Assert.True(a.StopReason == LlamaStopReason.MaxTokens || a.Tokens[^1] == model.EosToken);
        Assert.True(a.TimeToFirstToken > TimeSpan.Zero && a.TimeToFirstToken <= a.Elapsed);
        Assert.StartsWith(",", model.Detokenize([.. a.Tokens]), StringComparison.Ordinal); // "Once upon a time, ..."
        Assert.Equal(prompt.Length + a.Tokens.Count - 2, first.GetMaxPosition(0)); // every token but the last
    }

    [Fact]
    public void Generate_AfterRestoringTheMemory_GivesTheSameTokensAsThePlainPrompt()
    {
        var model = LlamaTestAssets.Stories();
        var memory = model.Tokenize(Memory);
        var query = model.Tokenize(Query, addSpecial: false);
        using var sampler = LlamaSampler.CreateGreedy();

        byte[] state;
        using (var precompute = model.CreateContext(Options))
        {
            precompute.Prefill(memory, outputLast: false);
            state = precompute.SaveSequenceState(0);
        }

        using var context = model.CreateContext(Options);
        var plain = context.Generate([.. memory, .. query], sampler, 32, stopAtEndOfGeneration: false);
        context.ClearMemory();
        context.RestoreSequenceState(0, state);
        var injected = context.Generate(query, sampler, 32, stopAtEndOfGeneration: false);

        Assert.Equal(32, plain.Tokens.Count);
        Assert.Equal(plain.Tokens, injected.Tokens);
        Assert.Equal(query.Length, injected.PromptTokens);
    }

    [Fact]
    public void Generate_Sampled_RepeatsWithTheSeed_AndVariesWithAnother()
    {
        var model = LlamaTestAssets.Stories();
        var prompt = model.Tokenize("Once upon a time");
        var options = new LlamaSamplingOptions { Temperature = 1.5f, TopK = 0, TopP = 1, Seed = 7 };
        using var context = model.CreateContext(Options);
        IReadOnlyList<int> Run(LlamaSampler sampler)
        {
            context.ClearMemory();
            return context.Generate(prompt, sampler, 24, stopAtEndOfGeneration: false).Tokens;
        }

        using var sampler = LlamaSampler.Create(options);
        var first = Run(sampler);
        var advanced = Run(sampler);
        sampler.Reset();
        Assert.Equal(first, Run(sampler));
        using (var same = LlamaSampler.Create(options))
        {
            Assert.Equal(first, Run(same));
        }

        Assert.NotEqual(first, advanced); // the generator moved on
        var others = Enumerable.Range(8, 4).Select(seed =>
        {
            using var other = LlamaSampler.Create(options with { Seed = (uint)seed });
            return Run(other);
        });
        Assert.Contains(others, tokens => !tokens.SequenceEqual(first));

        using var greedy = LlamaSampler.CreateGreedy();
        using var cold = LlamaSampler.Create(options with { Temperature = 0.01f, TopK = 40, TopP = 0.9f });
        Assert.Equal(Run(greedy), Run(cold)); // near-zero temperature is greedy
    }

    [Fact]
    public void Generate_StopsWhenTheCallbackSaysSo()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(Options);
        using var sampler = LlamaSampler.CreateGreedy();
        var seen = new List<int>();
        var result = context.Generate(model.Tokenize("Once upon a time"), sampler, 20, onToken: t =>
        {
            seen.Add(t);
            return seen.Count < 3;
        });
        Assert.Equal(LlamaStopReason.Stopped, result.StopReason);
        Assert.Equal(seen, result.Tokens);
        Assert.Equal(3, result.Tokens.Count);
    }

    [Fact]
    public void Generate_RefusesWhatLlamaWouldAbortOn()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(Options);
        using var sampler = LlamaSampler.CreateGreedy();
        Assert.Throws<ArgumentException>(() => context.Generate([], sampler, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Generate([model.VocabularySize], sampler, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Generate([1], sampler, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Generate([1], sampler, 4, sequenceId: 1));
        Assert.Throws<ArgumentException>(() => context.Generate(new int[250], sampler, 16)); // past the 256-token context
        Assert.Equal(-1, context.GetMaxPosition(0)); // refused before decoding anything

        context.Prefill([1, 10, 11], outputLast: false);
        Assert.Throws<InvalidOperationException>(() => sampler.Sample(context)); // no logits output
        using var embeddings = model.CreateContext(Options with { Embeddings = true, Pooling = LlamaPooling.None });
        Assert.Throws<InvalidOperationException>(() => embeddings.Generate([1], sampler, 2));
    }

    [Fact]
    public void SamplingOptions_OutOfRange_AreRefused()
    {
        LlamaTestAssets.RequireLibraries();
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaSampler.Create(new LlamaSamplingOptions { Temperature = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaSampler.Create(new LlamaSamplingOptions { Temperature = float.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaSampler.Create(new LlamaSamplingOptions { TopK = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaSampler.Create(new LlamaSamplingOptions { TopP = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaSampler.Create(new LlamaSamplingOptions { Seed = uint.MaxValue }));
        using var sampler = LlamaSampler.Create(new LlamaSamplingOptions());
        Assert.Equal(42u, sampler.Options.Seed);
    }
}
