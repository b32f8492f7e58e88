using MemOS.Inference.Generation;
using MemOS.Inference.KvCache;
using MemOS.Inference.Llama;
using MemOS.Inference.Tests.Llama;

namespace MemOS.Inference.Tests.Generation;

/// <summary>The generation engine over the real stories260K model: KV injection gives the plaintext answer token for
/// token, precompute decodes a batch at once, and misses fall back to prefilling the text.</summary>
public sealed class LlamaGenerationEngineTests : IDisposable
{
    private const string Memories = "[8 May 2023]\nLily: I have a red ball and a little dog named Max.\nTom: We played in the park by the lake.";

    private readonly TempDirectory _directory = new();
    private readonly InferenceMetrics _metrics = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Generate_WithTheBlockRestoredFromItsCache_GivesThePlaintextTokens()
    {
        using var engine = Load();
        var block = engine.PrepareBlock(Memories);
        var question = engine.PrepareQuestion("What did Lily have?", afterBlock: true);
        var settings = new GenerationSettings { MaxTokens = 24 };

        var plain = await engine.GenerateAsync(block, question, restoreBlock: false, settings, TestContext.Current.CancellationToken);
        var stored = await engine.PrecomputeAsync([block], TestContext.Current.CancellationToken);
        var injected = await engine.GenerateAsync(block, question, restoreBlock: true, settings, TestContext.Current.CancellationToken);

        Assert.Equal(block.Tokens.Length, Assert.Single(stored)!.TokenCount);
        Assert.False(plain.RestoredFromCache);
        Assert.True(injected.RestoredFromCache);
        Assert.False(injected.CacheMiss);
        Assert.Equal(block.Tokens.Length + question.Length, plain.PromptTokens);
        Assert.Equal(question.Length, injected.PromptTokens);
        Assert.Equal(plain.Tokens, injected.Tokens);
        Assert.Equal(plain.Text, injected.Text);
        Assert.NotEmpty(plain.Text);
        Assert.True(injected.TimeToFirstToken > TimeSpan.Zero && injected.TimeToFirstToken <= injected.Elapsed);
        Assert.Equal(1, engine.Store.Hits);
    }

    [Fact]
    public async Task Generate_RestoreWithoutACache_PrefillsTheTextAndCountsAMiss()
    {
        using var engine = Load();
        var block = engine.PrepareBlock(Memories);
        var question = engine.PrepareQuestion("Where did they play?", afterBlock: true);
        var settings = new GenerationSettings { MaxTokens = 8 };

        var missed = await engine.GenerateAsync(block, question, restoreBlock: true, settings, TestContext.Current.CancellationToken);
        var plain = await engine.GenerateAsync(block, question, restoreBlock: false, settings, TestContext.Current.CancellationToken);

        Assert.False(missed.RestoredFromCache);
        Assert.True(missed.CacheMiss);
        Assert.Equal(plain.Tokens, missed.Tokens);
        Assert.Equal(1, engine.Store.Misses);
    }

    [Fact]
    public async Task Precompute_DecodesEachGroupOfMaxBatchOnce_AndSkipsWhatIsStored()
    {
        using var engine = Load(precomputeMaxBatch: 2);
        var blocks = Enumerable.Range(1, 5).Select(i => engine.PrepareBlock($"Memory number {i}: the cat sat on the mat {i} times.")).ToList();

        var entries = await engine.PrecomputeAsync([.. blocks, blocks[0]], TestContext.Current.CancellationToken);

        Assert.Equal(3, _metrics.PrecomputeDecodes); // 2 + 2 + 1; the repeated block is computed once
        Assert.Equal(5, _metrics.PrecomputedBlocks);
        Assert.Equal(6, entries.Count);
        Assert.Equal(entries[0], entries[5]);
        Assert.All(blocks, b => Assert.True(engine.HasCache(b.Key)));

        await engine.PrecomputeAsync(blocks[1..3], TestContext.Current.CancellationToken);
        Assert.Equal(3, _metrics.PrecomputeDecodes);

        Assert.True(engine.DropCache(blocks[0].Key));
        Assert.False(engine.HasCache(blocks[0].Key));
    }

    [Fact]
    public async Task Generate_PromptLongerThanTheContext_IsRefusedNamingTheSizes()
    {
        using var engine = Load(contextTokens: 256);
        var block = engine.PrepareBlock(string.Join('\n', Enumerable.Repeat("Lily has a red ball and a dog.", 20)));
        var question = engine.PrepareQuestion("What does Lily have?", afterBlock: true);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => engine.GenerateAsync(
            block, question, restoreBlock: false, new GenerationSettings { MaxTokens = 16 }, TestContext.Current.CancellationToken));

        Assert.Contains("256", error.Message, StringComparison.Ordinal);
        Assert.Equal(256, engine.Describe().ContextTokens);
    }

    [Fact]
    public void PrepareQuestion_AloneGetsBos_AfterABlockDoesNot()
    {
        using var engine = Load();
        var model = LlamaTestAssets.Stories();
        var alone = engine.PrepareQuestion("Who is Max?", afterBlock: false);
        var after = engine.PrepareQuestion("Who is Max?", afterBlock: true);

        Assert.Equal(model.BosToken, alone[0]);
        Assert.Equal(alone[1..], after);
        Assert.Equal(PromptTemplate.Plain.Name, engine.PrepareBlock(Memories).Key.Template);
    }

    [Fact]
    public void Templates_AreFoundByName()
    {
        Assert.Same(PromptTemplate.Plain, PromptTemplate.Find("memos-plain/v1"));
        Assert.Same(PromptTemplate.ChatMl, PromptTemplate.Find("ChatML/v1"));
        Assert.Null(PromptTemplate.Find("nope"));
        Assert.Equal("Memories:\nx\n\n", PromptTemplate.Plain.RenderBlock("x"));
        Assert.Equal("Question: q\nAnswer:", PromptTemplate.Plain.RenderQuestion("q"));
    }

    [Fact]
    public void Unavailable_ThrowsItsReason()
    {
        var engine = new UnavailableGenerationEngine("Set MemOS:Inference:ModelPath.");

        Assert.False(engine.IsAvailable);
        var error = Assert.Throws<InferenceUnavailableException>(() => engine.PrepareBlock("x"));
        Assert.Equal("Set MemOS:Inference:ModelPath.", error.Message);
        Assert.Throws<InferenceUnavailableException>(() => engine.HasCache(new KvCacheKey(new string('a', 64), "t", [1])));
    }

    private LlamaGenerationEngine Load(int precomputeMaxBatch = 4, int contextTokens = 512)
    {
        var path = LlamaTestAssets.RequireStoriesModel();
        return LlamaGenerationEngine.Load(path, new LlamaGenerationEngineOptions
        {
            ContextTokens = contextTokens,
            Threads = 1,
            PrecomputeMaxBatch = precomputeMaxBatch,
            KvCache = new KvCacheStoreOptions { Directory = Path.Combine(_directory.Path, "kv") },
        }, _metrics);
    }
}
