using System.Numerics.Tensors;
using MemOS.Inference.Embeddings.Glove;

namespace MemOS.Inference.Tests.Embeddings;

/// <summary>The built-in embedder over the real GloVe package (fetched by <c>./memos install</c>).</summary>
public sealed class GloveSifEmbedderTests
{
    private static readonly Lazy<GloveSifEmbedder?> Shared = new(() =>
        GloveAssets.FindPackageDirectory() is null ? null : new GloveSifEmbedder(GloveAssets.Load()));

    private static GloveSifEmbedder Embedder()
    {
        Assert.SkipWhen(Shared.Value is null, "GloVe vectors not installed: run `./memos install`.");
        return Shared.Value!;
    }

    [Fact]
    public async Task Vectors_HaveUnitNorm_AndTheModelsDimension()
    {
        var embedder = Embedder();
        var vectors = await embedder.EmbedAsync(
            ["I adopted a puppy from the shelter.", "Caroline went hiking", "hello"], TestContext.Current.CancellationToken);
        Assert.All(vectors, v =>
        {
            Assert.Equal(100, v.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(v), 1e-5f);
        });
    }

    [Fact]
    public async Task SameText_GivesTheSameVector_WhateverTheBatch()
    {
        var embedder = Embedder();
        var alone = await embedder.EmbedAsync(["We went camping by the lake."], TestContext.Current.CancellationToken);
        var batched = await embedder.EmbedAsync(
            ["Something else first.", "We went camping by the lake.", "And after."], TestContext.Current.CancellationToken);
        Assert.Equal(alone[0], batched[1]);
    }

    [Fact]
    public void TextWithoutKnownWords_GetsTheZeroVector()
    {
        var vector = Embedder().Embed("qzxqzxqzx ... !!!");
        Assert.All(vector, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void CaseAndClitics_DoNotChangeTheVector()
    {
        var embedder = Embedder();
        Assert.Equal(embedder.Embed("i do not like it"), embedder.Embed("I DON'T like it"));
    }

    [Fact]
    public void Paraphrases_AreCloserThanUnrelatedTexts()
    {
        var embedder = Embedder();
        var dog = embedder.Embed("my dog loves the park");
        var puppy = embedder.Embed("our puppy enjoys the garden");
        var tax = embedder.Embed("quarterly tax filing deadline");
        Assert.True(TensorPrimitives.Dot(dog, puppy) > TensorPrimitives.Dot(dog, tax) + 0.2f);
    }

    [Fact]
    public void FrequentWords_WeighLessThanContentWords()
    {
        var embedder = Embedder();
        var content = embedder.Embed("volcano");
        var diluted = embedder.Embed("the volcano of the and a");
        // SIF gives "the", "of", "and", "a" weights near 0.01: the sentence stays almost the content word.
        Assert.True(TensorPrimitives.Dot(content, diluted) > 0.95f);
    }

    [Fact]
    public void ModelId_NamesTheSmoothingWeight_WhenNotTheDefault()
    {
        var embedder = Embedder();
        Assert.Equal(GloveSifEmbedder.DefaultModelId, embedder.ModelId);
        var vectors = GloveAssets.Load();
        Assert.Equal("glove-6b-100d-sif-a0.01", new GloveSifEmbedder(vectors, 0.01).ModelId);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GloveSifEmbedder(vectors, 0));
    }
}
