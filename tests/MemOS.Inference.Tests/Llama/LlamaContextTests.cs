using System.Numerics.Tensors;
using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>Contexts, batches, decoding and memory over the real stories260K model.</summary>
public sealed class LlamaContextTests
{
    [Fact]
    public void CreateContext_ReportsWhatLlamaAllocated()
    {
        var model = LlamaTestAssets.Stories();
        using (var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 300, Threads = 1 }))
        {
            Assert.Equal(512, context.ContextTokens); // rounded up to a multiple of 256
            Assert.Equal(512, context.SequenceContextTokens);
            Assert.Equal(300, context.BatchTokens);
            Assert.Equal(300, context.MicroBatchTokens);
            Assert.Equal(1, context.MaxSequences);
            Assert.Equal(1, context.Threads);
            Assert.False(context.Embeddings);
            Assert.Equal(LlamaPooling.None, context.Pooling); // the model names none
        }

        using (var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 256, Sequences = 2, MicroBatchTokens = 64, Threads = 2 }))
        {
            Assert.Equal(512, context.ContextTokens); // each sequence's 128 rounded up to 256
            Assert.Equal(256, context.SequenceContextTokens);
            Assert.Equal((256, 64, 2, 2), (context.BatchTokens, context.MicroBatchTokens, context.MaxSequences, context.Threads));
        }
    }

    [Fact]
    public void Decode_GivesLogitsThatContinueTheStory()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 64, Threads = 1 });
        var tokens = model.Tokenize("Once upon a");
        using var batch = new LlamaBatch(tokens.Length);
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, 0, output: i == tokens.Length - 1);
        }

        context.Decode(batch);
        var logits = new float[model.VocabularySize];
        context.CopyLogits(tokens.Length - 1, logits);
        Assert.All(logits, x => Assert.True(float.IsFinite(x)));
        var next = Array.IndexOf(logits, logits.Max());
        Assert.Equal("Once upon a time", model.Detokenize([.. tokens[1..], next]));
        Assert.Throws<InvalidOperationException>(() => context.CopyLogits(0, logits)); // not marked for output
    }

    [Fact]
    public void Memory_TracksPositions_AndForgetsWhatIsRemoved()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 64, Sequences = 2, Threads = 1 });
        using var batch = new LlamaBatch(8);
        for (var i = 0; i < 5; i++)
        {
            batch.Add(10 + i, i, 0, output: i == 4);
        }

        batch.Add(20, 0, 1, output: false);
        batch.Add(21, 1, 1, output: true);
        context.Decode(batch);
        Assert.Equal(4, context.GetMaxPosition(0));
        Assert.Equal(1, context.GetMaxPosition(1));
        Assert.True(context.RemoveTokens(0, 3));
        Assert.Equal(2, context.GetMaxPosition(0));
        Assert.True(context.RemoveTokens(1));
        Assert.Equal(-1, context.GetMaxPosition(1));
        context.ClearMemory();
        Assert.Equal(-1, context.GetMaxPosition(0));

        // llama.cpp would abort the process on these.
        Assert.Throws<ArgumentOutOfRangeException>(() => context.GetMaxPosition(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.RemoveTokens(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.RemoveTokens(-2));
        Assert.True(context.RemoveTokens(-1));
    }

    [Fact]
    public void Decode_AnInvalidToken_ThrowsWithLlamasReason_AndTheContextStaysUsable()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 64, Threads = 1 });
        using var batch = new LlamaBatch(4);
        batch.Add(model.VocabularySize + 7, 0, 0, output: true);
        var exception = Assert.Throws<LlamaException>(() => context.Decode(batch));
        Assert.Contains("invalid", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{model.VocabularySize + 7}", exception.Message, StringComparison.Ordinal);

        batch.Clear();
        batch.Add(1, 0, 0, output: true);
        context.Decode(batch);
        Assert.Equal(0, context.GetMaxPosition(0));
    }

    [Fact]
    public void Decode_MoreTokensThanTheContextsBatch_ThrowsBeforeReachingLlama()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 32, Threads = 1 });
        using var batch = new LlamaBatch(64);
        for (var i = 0; i < 40; i++)
        {
            batch.Add(10, i, 0, output: false);
        }

        Assert.Throws<ArgumentException>(() => context.Decode(batch));
        batch.Clear();
        Assert.Throws<ArgumentException>(() => context.Decode(batch)); // empty
    }

    [Fact]
    public void Batch_RejectsTokensBeyondItsCapacityOrSequences()
    {
        LlamaTestAssets.RequireLibraries();
        using var batch = new LlamaBatch(2);
        batch.Add(1, 0, 0, output: false);
        batch.Add(2, 1, 0, output: true);
        Assert.Equal(2, batch.Count);
        Assert.Throws<InvalidOperationException>(() => batch.Add(3, 2, 0, output: true));
        batch.Clear();
        Assert.Equal(0, batch.Count);
        Assert.Throws<ArgumentException>(() => batch.Add(1, 0, [0, 1], output: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Add(1, -1, 0, output: false));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void DisposingTheModel_KeepsItAliveForItsOpenContexts()
    {
        var path = LlamaTestAssets.RequireStoriesModel();
        var model = LlamaModel.Load(path);
        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 32, Threads = 1 });
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.CreateContext());
        Assert.Throws<ObjectDisposedException>(() => model.Tokenize("hello"));

        using var batch = new LlamaBatch(2);
        batch.Add(1, 0, 0, output: true);
        context.Decode(batch); // the weights are still there
        var logits = new float[model.VocabularySize];
        context.CopyLogits(0, logits);
        Assert.All(logits, x => Assert.True(float.IsFinite(x)));
    }

    [Fact]
    public void TokenEmbeddings_WithoutPooling_HaveOneRowPerOutputToken()
    {
        var model = LlamaTestAssets.Stories();
        using var context = model.CreateContext(new LlamaContextOptions
        {
            ContextTokens = 32, Threads = 1, Embeddings = true, Pooling = LlamaPooling.None,
        });
        var tokens = model.Tokenize("a cat");
        using var batch = new LlamaBatch(tokens.Length);
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, 0, output: true);
        }

        context.Decode(batch);
        var first = new float[model.EmbeddingDimension];
        var last = new float[model.EmbeddingDimension];
        context.CopyTokenEmbedding(0, first);
        context.CopyTokenEmbedding(-1, last);
        Assert.NotEqual(first, last);
        Assert.Contains(first, x => x != 0);
        Assert.Throws<InvalidOperationException>(() => context.CopySequenceEmbedding(0, first));
        Assert.Throws<ArgumentException>(() => context.CopyTokenEmbedding(0, new float[3]));
    }

    [Fact]
    public void PooledEmbeddingsOfSeveralSequences_MatchEachDecodedAlone()
    {
        var model = LlamaTestAssets.Stories();
        string[] texts = ["Once upon a time, there was a little girl named Lily.", "The dog ran.", "Tom wanted a new toy car for his birthday."];
        var tokens = texts.Select(t => model.Tokenize(t)).ToArray();
        var options = new LlamaContextOptions { ContextTokens = 256, Threads = 1, Embeddings = true, Pooling = LlamaPooling.Mean };

        var alone = new float[texts.Length][];
        using (var context = model.CreateContext(options))
        {
            for (var s = 0; s < texts.Length; s++)
            {
                context.ClearMemory();
                using var batch = new LlamaBatch(tokens[s].Length);
                for (var i = 0; i < tokens[s].Length; i++)
                {
                    batch.Add(tokens[s][i], i, 0, output: true);
                }

                context.Decode(batch);
                alone[s] = new float[model.EmbeddingDimension];
                context.CopySequenceEmbedding(0, alone[s]);
            }
        }

        // Refused before llama.cpp sees them: without a unified cache it pools each sequence over a part of it only,
        // and it aborts the process when the micro-batch (here 256) is not a multiple of the sequences.
        Assert.Throws<ArgumentException>(() => model.CreateContext(options with { Sequences = 4 }));
        Assert.Throws<ArgumentException>(() => model.CreateContext(options with { Sequences = 3, UnifiedKvCache = true }));

        using var together = model.CreateContext(options with { Sequences = 4, UnifiedKvCache = true });
        using var all = new LlamaBatch(tokens.Sum(t => t.Length));
        for (var s = 0; s < texts.Length; s++)
        {
            for (var i = 0; i < tokens[s].Length; i++)
            {
                all.Add(tokens[s][i], i, s, output: true);
            }
        }

        together.Decode(all);
        for (var s = 0; s < texts.Length; s++)
        {
            var vector = new float[model.EmbeddingDimension];
            together.CopySequenceEmbedding(s, vector);
            Assert.True(TensorPrimitives.CosineSimilarity(alone[s], vector) > 0.99999f, $"sequence {s}");
            Assert.All(vector.Zip(alone[s]), pair => Assert.Equal(pair.Second, pair.First, 1e-4f));
        }

        Assert.NotEqual(alone[0], alone[1]);
    }
}
