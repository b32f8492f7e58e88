using System.Numerics.Tensors;
using MemOS.Inference.Embeddings;
using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>The GGUF embedder over the real stories260K model (a tiny generative llama: the vectors carry little
/// meaning, but every property of the <see cref="IEmbedder"/> contract can be checked on it).</summary>
public sealed class LlamaEmbedderTests
{
    private const string Story = "Once upon a time, there was a little girl named Lily. She loved to play in the park.";

    private static readonly Lazy<LlamaEmbedder> SharedMean = new(() => new LlamaEmbedder(LlamaTestAssets.Stories(), threads: 1));

    private static LlamaEmbedder Embedder()
    {
        LlamaTestAssets.RequireStoriesModel();
        return SharedMean.Value;
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Vectors_HaveUnitNorm_AndTheModelsDimension()
    {
        var embedder = Embedder();
        Assert.Equal(64, embedder.Dimension);
        var vectors = await embedder.EmbedAsync([Story, "The dog ran.", "a", "   ", "Ben and Mia built a big red tower."], Cancellation);
        Assert.Equal(5, vectors.Count);
        Assert.All(vectors, v =>
        {
            Assert.Equal(64, v.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(v), 1e-5f);
        });
    }

    [Fact]
    public async Task SameText_GivesBitwiseTheSameVector_WhateverTheBatchAndWhatCameBefore()
    {
        var embedder = Embedder();
        var alone = await embedder.EmbedAsync([Story], Cancellation);
        var longer = string.Join(' ', Enumerable.Repeat("The sun was hot and the sky was blue.", 30));
        var batched = await embedder.EmbedAsync([longer, "Hi.", Story, "Bye."], Cancellation);
        var again = embedder.Embed(Story);
        Assert.Equal(alone[0], batched[2]);
        Assert.Equal(alone[0], again);
    }

    [Fact]
    public void DifferentTexts_GiveDifferentVectors()
    {
        var embedder = Embedder();
        var a = embedder.Embed("The cat sat on the mat.");
        var b = embedder.Embed("Tom wanted a new toy car for his birthday.");
        var c = embedder.Embed("The cat sat on the hat.");
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
        Assert.True(TensorPrimitives.Dot(a, b) < 0.9999f);
    }

    [Fact]
    public void PoolingModes_GiveDifferentVectors_AndModelIds()
    {
        var model = LlamaTestAssets.Stories();
        using var cls = new LlamaEmbedder(model, LlamaPooling.Cls, threads: 1);
        using var last = new LlamaEmbedder(model, LlamaPooling.Last, threads: 1);
        var mean = Embedder();
        var vectors = new[] { mean.Embed(Story), cls.Embed(Story), last.Embed(Story) };
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.NotEqual(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[1], vectors[2]);
        Assert.All(vectors, v => Assert.Equal(1f, TensorPrimitives.Norm(v), 1e-5f));
        Assert.Equal(
            ["gguf-stories260k-270cba1b-mean", "gguf-stories260k-270cba1b-cls", "gguf-stories260k-270cba1b-last"],
            new[] { mean.ModelId, cls.ModelId, last.ModelId });

        // CLS pools the first token (BOS) and this model is causal: it sees nothing of the text.
        Assert.Equal(vectors[1], cls.Embed("Something else entirely."));
    }

    [Fact]
    public void ModelDefault_ForAModelWithoutPooling_IsMean()
    {
        var embedder = Embedder();
        Assert.Equal(LlamaPooling.Mean, embedder.Pooling);
        using var explicitMean = new LlamaEmbedder(LlamaTestAssets.Stories(), LlamaPooling.Mean, threads: 1);
        Assert.Equal(embedder.ModelId, explicitMean.ModelId);
        Assert.Equal(embedder.Embed(Story), explicitMean.Embed(Story));
    }

    [Fact]
    public void ThreadCount_DoesNotChangeTheVector()
    {
        using var two = new LlamaEmbedder(LlamaTestAssets.Stories(), threads: 2);
        Assert.Equal(Embedder().Embed(Story), two.Embed(Story));
    }

    [Fact]
    public void TheEmptyText_GetsTheZeroVector()
    {
        var vector = Embedder().Embed("");
        Assert.Equal(64, vector.Length);
        Assert.All(vector, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void AnOverlongText_IsTruncatedToTheContext()
    {
        using var embedder = new LlamaEmbedder(LlamaTestAssets.Stories(), contextTokens: 32, threads: 1);
        Assert.Equal(32, embedder.MaxTokens);
        var overlong = string.Join(' ', Enumerable.Repeat(Story, 40)); // thousands of tokens
        var vector = embedder.Embed(overlong);
        Assert.Equal(1f, TensorPrimitives.Norm(vector), 1e-5f);
        Assert.Equal(vector, embedder.Embed(overlong + " And then a dragon came."));
        Assert.NotEqual(vector, embedder.Embed("A dragon came. " + overlong));
    }

    [Fact]
    public void ContextTokens_AreCappedAtTheTrainingContext()
    {
        using var embedder = new LlamaEmbedder(LlamaTestAssets.Stories(), contextTokens: 100_000, threads: 1);
        Assert.Equal(2048, embedder.MaxTokens);
    }

    [Fact]
    public async Task ConcurrentCalls_GiveTheSequentialResults()
    {
        var embedder = Embedder();
        var texts = Enumerable.Range(0, 24).Select(i => $"Story number {i}: the bird sang {i} songs.").ToArray();
        var sequential = texts.Select(embedder.Embed).ToArray();
        var concurrent = await Task.WhenAll(texts.Select(t => Task.Run(() => embedder.Embed(t), Cancellation)));
        Assert.Equal(sequential, concurrent);
    }

    [Fact]
    public async Task EmbedAsync_ACancelledToken_Throws()
    {
        var embedder = Embedder();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => embedder.EmbedAsync([Story], cancelled.Token));
        Assert.Empty(await embedder.EmbedAsync([], Cancellation));
    }

    [Fact]
    public void Load_OwnsItsModel_AndEmbedAfterDispose_Throws()
    {
        var embedder = LlamaEmbedder.Load(LlamaTestAssets.RequireStoriesModel(), threads: 1);
        Assert.Equal("gguf-stories260k-270cba1b-mean", embedder.ModelId);
        Assert.Equal(Embedder().Embed(Story), embedder.Embed(Story));
        embedder.Dispose();
        embedder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => embedder.Embed(Story));
        Assert.Throws<ObjectDisposedException>(() => embedder.Model.Tokenize(Story));
    }

    [Fact]
    public void Load_AMissingFile_ThrowsEmbeddingExceptionNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.gguf");
        var exception = Assert.Throws<EmbeddingException>(() => LlamaEmbedder.Load(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.IsType<LlamaException>(exception.InnerException);
    }

    [Fact]
    public void Load_AFileThatIsNotGguf_ThrowsEmbeddingExceptionNamingThePath()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "model.gguf");
        File.WriteAllBytes(path, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);
        var exception = Assert.Throws<EmbeddingException>(() => LlamaEmbedder.Load(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a GGUF file", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PoolingWithoutAVector_IsRejected()
    {
        var model = LlamaTestAssets.Stories();
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlamaEmbedder(model, LlamaPooling.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlamaEmbedder(model, LlamaPooling.Rank));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlamaEmbedder(model, contextTokens: 1));
    }
}
