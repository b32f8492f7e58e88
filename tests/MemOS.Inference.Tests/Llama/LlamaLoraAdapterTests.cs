using MemOS.Inference.Llama;
using MemOS.Inference.Lora;
using MemOS.Inference.Tests.Lora;

namespace MemOS.Inference.Tests.Llama;

/// <summary>LoRA adapters applied by llama.cpp at run time over the real stories260K model, against the same adapter
/// merged into the weights.</summary>
public sealed class LlamaLoraAdapterTests
{
    /// <summary>How far the logits of the merged model may be from the run-time adapter's, relative to the largest
    /// logit of the step: the two compute <c>(W + s·B·A)·x</c> and <c>W·x + s·B·(A·x)</c> in float32, which round
    /// differently, and the rounding compounds over 5 layers and 16 steps. Measured on stories260K with the seed-3
    /// adapter at scale 0.5: at most 5.9e-3 absolute, 4.7e-4 relative (logits up to 17.6).</summary>
    private const float MergedRelativeLogitTolerance = 1e-3f;

    private const int GreedyTokens = 16;
    private const string Prompt = "Once upon a time, there was a little";

    [Fact]
    public void ZeroUpdate_LeavesLogitsIdentical()
    {
        var model = LlamaTestAssets.Stories();
        using var directory = new TempDirectory();
        using var adapter = Load(model, directory, LoraTestAdapters.Random(model.Path, seed: 1, zeroB: true));
        using var context = model.CreateContext(Options);
        var (baseTokens, baseLogits) = Greedy(context, model);

        context.ClearMemory();
        context.SetLoraAdapters([(adapter, 1f)]);
        var (tokens, logits) = Greedy(context, model);
        Assert.Equal(baseTokens, tokens);
        Assert.Equal(0f, MaxDifference(baseLogits, logits));
    }

    [Fact]
    public void RandomUpdate_ChangesLogits_AndClearingRestoresThem()
    {
        var model = LlamaTestAssets.Stories();
        using var directory = new TempDirectory();
        using var adapter = Load(model, directory, LoraTestAdapters.Random(model.Path, seed: 2));
        Assert.Equal(model.Sha256, adapter.BaseModelSha256);
        Assert.Equal("lora", adapter.GetMetadata("adapter.type"));
        Assert.Equal("8.000000", adapter.GetMetadata("adapter.lora.alpha"));
        Assert.Null(adapter.GetMetadata("no.such.key"));

        using var context = model.CreateContext(Options);
        var (_, baseLogits) = Greedy(context, model);
        context.ClearMemory();
        context.SetLoraAdapters([(adapter, 1f)]);
        Assert.Equal([(adapter, 1f)], context.LoraAdapters);
        var (_, adapted) = Greedy(context, model);
        Assert.True(MaxDifference(baseLogits, adapted) > 0.5f, $"The adapter moved the logits by only {MaxDifference(baseLogits, adapted)}.");

        context.ClearMemory();
        context.ClearLoraAdapters();
        Assert.Empty(context.LoraAdapters);
        var (_, cleared) = Greedy(context, model);
        Assert.Equal(0f, MaxDifference(baseLogits, cleared));
    }

    [Fact]
    public void MergedModel_MatchesTheAdapterAppliedAtRunTime()
    {
        var model = LlamaTestAssets.Stories();
        using var directory = new TempDirectory();
        const float scale = 0.5f;
        var lora = LoraTestAdapters.Random(model.Path, seed: 3);
        using var adapter = Load(model, directory, lora);
        var mergedPath = Path.Combine(directory.Path, "merged.gguf");
        LoraMerge.MergeIntoBase(model.Path, lora, mergedPath, scale);

        using var context = model.CreateContext(Options);
        var (_, baseLogits) = Greedy(context, model);
        context.ClearMemory();
        context.SetLoraAdapters([(adapter, scale)]);
        var (runtimeTokens, runtimeLogits) = Greedy(context, model);

        using var merged = LlamaModel.Load(mergedPath);
        Assert.Equal(model.Metadata, merged.Metadata);
        using var mergedContext = merged.CreateContext(Options);
        var (mergedTokens, mergedLogits) = Greedy(mergedContext, merged);

        Assert.Equal(runtimeTokens, mergedTokens);
        var relative = runtimeLogits.Zip(mergedLogits).Max(step =>
            step.First.Zip(step.Second).Max(p => Math.Abs(p.First - p.Second)) / step.First.Max(Math.Abs));
        var difference = MaxDifference(runtimeLogits, mergedLogits);
        TestContext.Current.SendDiagnosticMessage(
            $"merged vs run-time adapter over {GreedyTokens} greedy steps: max |Δlogit| {difference:G3}, relative {relative:G3}");
        Assert.True(relative <= MergedRelativeLogitTolerance,
            $"The merged model's logits differ by {difference} ({relative} of the largest logit; tolerance {MergedRelativeLogitTolerance}).");
        Assert.True(MaxDifference(baseLogits, runtimeLogits) > 1f, "The adapter barely changed the model, so the comparison proves nothing.");
    }

    [Fact]
    public void Load_AnAdapterForAnotherModel_ThrowsNamingBothHashes()
    {
        var model = LlamaTestAssets.Stories();
        using var directory = new TempDirectory();
        var other = new string('a', 64);
        var path = Path.Combine(directory.Path, "other.gguf");
        LoraAdapterFile.Write(LoraTestAdapters.Random(model.Path, seed: 4, sha256: other), path);
        var exception = Assert.Throws<LoraAdapterMismatchException>(() => LlamaLoraAdapter.Load(model, path));
        Assert.Contains(other, exception.Message);
        Assert.Contains(model.Sha256, exception.Message);
        Assert.Equal((other, model.Sha256), (exception.ExpectedSha256, exception.ActualSha256));

        var mergedPath = Path.Combine(directory.Path, "merged.gguf");
        Assert.Throws<LoraAdapterMismatchException>(() =>
            LoraMerge.MergeIntoBase(model.Path, LoraTestAdapters.Random(model.Path, seed: 4, sha256: other), mergedPath));
        Assert.False(File.Exists(mergedPath));
    }

    [Fact]
    public void Load_ATensorTheModelLacks_GivesLlamaCppsError()
    {
        var model = LlamaTestAssets.Stories();
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "bad.gguf");
        var target = new LoraTarget("blk.9.attn_q.weight", 64, 64, 1, new float[64], new float[64]);
        LoraAdapterFile.Write(new LoraAdapter("llama", model.Sha256, 1, 1, [target]), path);
        var exception = Assert.Throws<LlamaException>(() => LlamaLoraAdapter.Load(model, path));
        Assert.Contains("blk.9.attn_q.weight", exception.Message);
    }

    private static LlamaContextOptions Options => new() { ContextTokens = 64, Threads = 2 };

    private static LlamaLoraAdapter Load(LlamaModel model, TempDirectory directory, LoraAdapter lora)
    {
        var path = Path.Combine(directory.Path, $"{Guid.NewGuid():N}.gguf");
        LoraAdapterFile.Write(lora, path);
        return LlamaLoraAdapter.Load(model, path);
    }

    // Greedy decoding from the prompt: the chosen tokens and the logits of every step.
    private static (int[] Tokens, float[][] Logits) Greedy(LlamaContext context, LlamaModel model)
    {
        var tokens = model.Tokenize(Prompt);
        var chosen = new int[GreedyTokens];
        var logits = new float[GreedyTokens][];
        using var batch = new LlamaBatch(tokens.Length);
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, 0, output: i == tokens.Length - 1);
        }

        var position = tokens.Length;
        for (var step = 0; step < GreedyTokens; step++)
        {
            context.Decode(batch);
            logits[step] = new float[model.VocabularySize];
            context.CopyLogits(batch.Count - 1, logits[step]);
            chosen[step] = Array.IndexOf(logits[step], logits[step].Max());
            batch.Clear();
            batch.Add(chosen[step], position++, 0, output: true);
        }

        return (chosen, logits);
    }

    private static float MaxDifference(float[][] x, float[][] y) =>
        x.Zip(y).Max(pair => pair.First.Zip(pair.Second).Max(p => Math.Abs(p.First - p.Second)));
}
