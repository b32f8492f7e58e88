using System.Security.Cryptography;
using MemOS.Inference.Gguf;
using MemOS.Inference.Llama;
using MemOS.Inference.Tests.Llama;

namespace MemOS.Inference.Tests.Gguf;

/// <summary>The synthetic llama model (tiny config): llama.cpp loads and runs it, and it depends on its config only.</summary>
public sealed class SyntheticLlamaModelTests
{
    [Fact]
    public void Tiny_LoadsInLlama_WithItsMetadataAndShape()
    {
        LlamaTestAssets.RequireLibraries();
        using var directory = new TempDirectory();
        var config = SyntheticLlamaConfig.Tiny;
        var path = SyntheticLlamaModel.GetOrCreate(config, directory.Path);
        using var model = LlamaModel.Load(path);

        Assert.Equal("llama", model.Architecture);
        Assert.Equal(config.ParameterCount, model.ParameterCount);
        Assert.Equal((64, 2, 512), (model.EmbeddingDimension, model.LayerCount, model.TrainingContextTokens));
        Assert.Equal(320, model.VocabularySize);
        Assert.Equal((1, 2), (model.BosToken, model.EosToken));
        Assert.True(model.AddsBos);
        Assert.Equal(SyntheticLlamaModel.Description, model.GetMetadata("general.description"));
        Assert.Equal("128", model.GetMetadata("llama.feed_forward_length"));
        Assert.Equal("4", model.GetMetadata("llama.attention.head_count_kv"));
        Assert.Equal("llama", model.GetMetadata("tokenizer.ggml.model"));
        Assert.Equal(Path.GetFileNameWithoutExtension(path), model.GetMetadata("general.name"));
        Assert.True(model.IsEndOfGeneration(2));
    }

    [Fact]
    public void Tiny_TokenizesAnyTextAndGeneratesFiniteLogits()
    {
        LlamaTestAssets.RequireLibraries();
        using var directory = new TempDirectory();
        using var model = LlamaModel.Load(SyntheticLlamaModel.GetOrCreate(SyntheticLlamaConfig.Tiny, directory.Path));
        const string text = "a cab, Ünïcode 123!\n";
        var tokens = model.Tokenize(text, addSpecial: false);
        Assert.Equal(text, model.Detokenize(tokens)); // letters as pieces, the rest by byte fallback
        Assert.Contains(tokens, t => t >= 259);

        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 64, Threads = 1 });
        context.Prefill(model.Tokenize(text));
        var logits = new float[model.VocabularySize];
        context.CopyLogits(-1, logits);
        Assert.All(logits, x => Assert.True(float.IsFinite(x)));
        Assert.True(logits.Max() > logits.Min());
    }

    [Fact]
    public void Generate_AfterRestoringTheMemory_GivesTheSameTokensAsThePlainPrompt()
    {
        LlamaTestAssets.RequireLibraries();
        using var directory = new TempDirectory();
        using var model = LlamaModel.Load(SyntheticLlamaModel.GetOrCreate(SyntheticLlamaConfig.Tiny, directory.Path));
        var random = new Random(3);
        int[] memory = [1, .. Enumerable.Range(0, 150).Select(_ => random.Next(259, model.VocabularySize))];
        var query = Enumerable.Range(0, 20).Select(_ => random.Next(259, model.VocabularySize)).ToArray();
        var options = new LlamaContextOptions { ContextTokens = 256, BatchTokens = 64, Threads = 1 };
        byte[] state;
        using (var precompute = model.CreateContext(options))
        {
            precompute.Prefill(memory, outputLast: false);
            state = precompute.SaveSequenceState(0);
        }

        using var sampler = LlamaSampler.CreateGreedy();
        using var context = model.CreateContext(options);
        var plain = context.Generate([.. memory, .. query], sampler, 32, stopAtEndOfGeneration: false).Tokens;
        context.ClearMemory();
        context.RestoreSequenceState(0, state);
        Assert.Equal(plain, context.Generate(query, sampler, 32, stopAtEndOfGeneration: false).Tokens);
        Assert.Equal(32, plain.Count);
    }

    [Fact]
    public void Write_DependsOnTheConfigOnly_AndTheCacheReusesTheFile()
    {
        using var directory = new TempDirectory();
        var config = SyntheticLlamaConfig.Tiny;
        var path = SyntheticLlamaModel.GetOrCreate(config, directory.Path);
        var written = File.GetLastWriteTimeUtc(path);
        Assert.Equal(path, SyntheticLlamaModel.GetOrCreate(config, directory.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal([path], Directory.GetFiles(directory.Path)); // no temporary file left

        static byte[] Hash(SyntheticLlamaConfig c)
        {
            using var stream = new MemoryStream();
            SyntheticLlamaModel.Write(c, stream);
            return SHA256.HashData(stream.ToArray());
        }

        Assert.Equal(SHA256.HashData(File.ReadAllBytes(path)), Hash(config));
        Assert.NotEqual(Hash(config), Hash(config with { Seed = 2 }));
        Assert.NotEqual(SyntheticLlamaModel.FileName(config), SyntheticLlamaModel.FileName(config with { Seed = 2 }));
        Assert.StartsWith("synthetic-llama-97.5m-", SyntheticLlamaModel.FileName(SyntheticLlamaConfig.Default100M), StringComparison.Ordinal);
        Assert.Equal(97_536_768, SyntheticLlamaConfig.Default100M.ParameterCount);
    }

    [Fact]
    public void Config_OutOfRange_IsRefused()
    {
        using var stream = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticLlamaModel.Write(SyntheticLlamaConfig.Tiny with { VocabularySize = 100 }, stream));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticLlamaModel.Write(SyntheticLlamaConfig.Tiny with { Heads = 5 }, stream));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticLlamaModel.Write(SyntheticLlamaConfig.Tiny with { KvHeads = 3 }, stream));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticLlamaModel.Write(SyntheticLlamaConfig.Tiny with { WeightScale = 0 }, stream));
        Assert.Equal(0, stream.Length);
    }
}
