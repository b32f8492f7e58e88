using MemOS.Inference.Generation;
using MemOS.Inference.KvCache;
using MemOS.Inference.Lora;
using MemOS.Inference.Tests.Llama;
using MemOS.Inference.Tests.Lora;

namespace MemOS.Inference.Tests.Generation;

/// <summary>LoRA adapters applied by the generation engine for one generation (parameter memory) over the real
/// stories260K model: they change the output, are cleared afterwards, concurrent generations with and without them
/// each get their own result, and an adapter made for another base model is refused naming both hashes.</summary>
public sealed class LlamaGenerationEngineAdapterTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Generate_WithAnAdapter_ChangesTheTokens_AndTheNextGenerationWithoutItIsTheBaseAgain()
    {
        using var engine = Load();
        var adapterPath = Write(LoraTestAdapters.Random(engine.Describe().Path, seed: 5), "a.gguf");
        var question = engine.PrepareQuestion("Once upon a time", afterBlock: false);
        var plain = new GenerationSettings { MaxTokens = 16 };
        var adapted = plain with { Adapters = [new GenerationAdapter(adapterPath, 1f)] };

        var before = await engine.GenerateAsync(null, question, false, plain, Cancel);
        var with = await engine.GenerateAsync(null, question, false, adapted, Cancel);
        var after = await engine.GenerateAsync(null, question, false, plain, Cancel);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            engine.GenerateAsync(null, question, false, i % 2 == 0 ? plain : adapted, Cancel)));

        Assert.NotEqual(before.Tokens, with.Tokens);
        Assert.Equal(before.Tokens, after.Tokens);
        for (var i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? before.Tokens : with.Tokens, concurrent[i].Tokens);
        }
    }

    [Fact]
    public async Task Generate_WithAnAdapterForAnotherBaseModel_IsRefusedNamingBothHashes()
    {
        using var engine = Load();
        var model = engine.Describe();
        const string other = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var adapterPath = Write(LoraTestAdapters.Random(model.Path, seed: 6, sha256: other), "other.gguf");
        var question = engine.PrepareQuestion("Once upon a time", afterBlock: false);

        var error = await Assert.ThrowsAsync<LoraAdapterMismatchException>(() => engine.GenerateAsync(null, question, false,
            new GenerationSettings { MaxTokens = 4, Adapters = [new GenerationAdapter(adapterPath, 1f)] }, Cancel));

        Assert.Equal(other, error.ExpectedSha256);
        Assert.Equal(model.Sha256, error.ActualSha256);
        Assert.Contains(other, error.Message, StringComparison.Ordinal);
        Assert.Contains(model.Sha256, error.Message, StringComparison.Ordinal);
        var fine = await engine.GenerateAsync(null, question, false, new GenerationSettings { MaxTokens = 4 }, Cancel);
        Assert.NotEmpty(fine.Tokens);
    }

    private string Write(LoraAdapter adapter, string name)
    {
        var path = Path.Combine(_directory.Path, name);
        LoraAdapterFile.Write(adapter, path);
        return path;
    }

    private LlamaGenerationEngine Load() => LlamaGenerationEngine.Load(LlamaTestAssets.RequireStoriesModel(), new LlamaGenerationEngineOptions
    {
        ContextTokens = 256,
        Threads = 1,
        KvCache = new KvCacheStoreOptions { Directory = Path.Combine(_directory.Path, "kv") },
    });
}
