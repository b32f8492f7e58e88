using MemOS.Inference.KvCache;
using MemOS.Inference.Llama;
using MemOS.Inference.Tests.Llama;

namespace MemOS.Inference.Tests.KvCache;

/// <summary>Batched KV precompute over the real stories260K model.</summary>
public sealed class KvCachePrecomputerTests
{
    private static readonly string[] Texts =
    [
        "Once upon a time, there was a little girl named Lily.",
        "The dog ran to the park and played with a ball.",
        "Tom wanted a new toy car for his birthday.",
        "One day, a big bird flew over the house.",
        "Sue and her mom baked a cake.",
        "The sun was hot, so they went to the lake to swim and have fun.",
    ];

    [Fact]
    public void ComputeStates_InBatches_GiveTheSameContinuationsAsEachPromptAlone()
    {
        var model = LlamaTestAssets.Stories();
        var prompts = Texts.Select(t => (ReadOnlyMemory<int>)model.Tokenize(t)).ToArray();
        using var precomputer = new KvCachePrecomputer(model, new KvCachePrecomputeOptions { MaxBatch = 4, MaxTokensPerRequest = 32, BatchTokens = 48, Threads = 1 });
        Assert.Equal(256, precomputer.MaxTokensPerRequest); // rounded up per sequence
        var states = precomputer.ComputeStates(prompts); // two groups: 4, then 2

        using var sampler = LlamaSampler.CreateGreedy();
        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 128, Threads = 1 });
        for (var i = 0; i < prompts.Length; i++)
        {
            var tokens = prompts[i].Span;
            context.ClearMemory();
            var alone = context.Generate(tokens, sampler, 12, stopAtEndOfGeneration: false).Tokens;
            context.ClearMemory();
            Assert.Equal(tokens.Length, context.RestoreSequenceState(0, states[i]));
            context.RemoveTokens(0, tokens.Length - 1); // decode the last token again, for its logits
            Assert.Equal(alone, context.Generate(tokens[^1..], sampler, 12, stopAtEndOfGeneration: false).Tokens);
        }
    }

    [Fact]
    public void Precompute_StoresWhatIsMissing_AndSkipsWhatTheStoreHas()
    {
        var model = LlamaTestAssets.Stories();
        using var directory = new TempDirectory();
        var clock = new FakeTimeProvider();
        var store = new KvCacheStore(new KvCacheStoreOptions { Directory = directory.Path }, clock);
        KvCacheRequest Request(string text)
        {
            var tokens = model.Tokenize(text);
            return new KvCacheRequest(new KvCacheKey(model.Sha256, "story/v1", tokens), tokens);
        }

        using var precomputer = new KvCachePrecomputer(model, new KvCachePrecomputeOptions { MaxBatch = 8, MaxTokensPerRequest = 32, Threads = 1 });
        var first = precomputer.Precompute([Request(Texts[0]), Request(Texts[1])], store);
        Assert.All(first, e => Assert.Equal(clock.GetUtcNow(), e!.CreatedAt));
        clock.Advance(TimeSpan.FromHours(1));
        var second = precomputer.Precompute([Request(Texts[1]), Request(Texts[2])], store);
        Assert.Equal(first[1], second[0]); // already stored: not computed again
        Assert.Equal(clock.GetUtcNow(), second[1]!.CreatedAt);
        Assert.Equal(3, store.Count);
        Assert.Equal(model.Tokenize(Texts[2]).Length, second[1]!.TokenCount);

        var foreign = new KvCacheRequest(new KvCacheKey(new string('0', 64), "story/v1", [1, 2]), new[] { 1, 2 });
        Assert.Throws<KvCacheException>(() => precomputer.Precompute([foreign], store));
        var miscounted = new KvCacheRequest(new KvCacheKey(model.Sha256, "story/v1", [1, 2]), new[] { 1, 2, 3 });
        Assert.Throws<KvCacheException>(() => precomputer.Precompute([miscounted], store));
    }
}
