using MemOS.Inference.Gguf;
using MemOS.Inference.Llama;
using MemOS.Inference.Lora;
using MemOS.Inference.Lora.Training;
using MemOS.Inference.Tests.Llama;

namespace MemOS.Inference.Tests.Lora.Training;

/// <summary>The C# llama forward pass against llama.cpp's logits on the real stories260K weights, and the LoRA
/// backward pass against central finite differences.</summary>
public sealed class LlamaTrainingModelTests
{
    /// <summary>How far the C# logits (64-bit floats) may be from llama.cpp's, relative to the largest logit of the
    /// position: llama.cpp computes in float32 and stores K and V in an F16 cache (a relative rounding of ~5e-4 per
    /// element). Measured on stories260K over 32 positions: 8.1e-4 without an adapter, 7.6e-4 with the seed-5 rank-4
    /// adapter of magnitude 0.05 on every projection (a magnitude of 0.15 grows the activations and the F16 rounding with
    /// them, to 5.7e-3).</summary>
    private const double LogitRelativeTolerance = 2e-3;

    /// <summary>The largest relative error allowed between the analytic gradient and a central difference of step
    /// <see cref="FiniteDifferenceStep"/> in 64-bit floats (truncation error O(h²) ≈ 1e-8 relative). Measured: at most 7.2e-8 over 140 parameters.</summary>
    private const double GradientRelativeTolerance = 1e-5;

    private const double FiniteDifferenceStep = 1e-5;

    private const string Text = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";

    [Fact]
    public void Load_ReadsTheHyperparametersOfStories260K()
    {
        var model = LlamaTrainingModel.Load(SharedAssets.RequireStoriesModel());
        Assert.Equal(("llama", 64, 5, 8, 4, 8), (model.Architecture, model.EmbeddingLength, model.LayerCount, model.HeadCount, model.KvHeadCount, model.HeadLength));
        Assert.Equal((172, 512, 8, 10000.0), (model.FeedForwardLength, model.VocabularySize, model.RopeDimensions, model.RopeFrequencyBase));
        Assert.Equal((64, 32), model.ProjectionShape("blk.2.attn_k.weight"));
        Assert.Equal((172, 64), model.ProjectionShape("blk.4.ffn_down.weight"));
        Assert.Throws<ArgumentException>(() => model.ProjectionShape("blk.5.attn_q.weight"));
        Assert.Throws<ArgumentException>(() => model.ProjectionShape("output.weight"));
    }

    [Fact]
    public void Logits_MatchLlamaCpp()
    {
        var llama = LlamaTestAssets.Stories();
        var model = LlamaTrainingModel.Load(llama.Path);
        var tokens = llama.Tokenize(Text);
        var expected = LlamaLogits(llama, tokens, null);
        var relative = MaxRelativeDifference(model.Logits(tokens), expected, model.VocabularySize);
        TestContext.Current.SendDiagnosticMessage($"C# forward vs llama.cpp over {tokens.Length} positions: max relative |Δlogit| {relative:G3}");
        Assert.True(relative <= LogitRelativeTolerance, $"The logits differ by {relative} of the largest (tolerance {LogitRelativeTolerance}).");
    }

    [Fact]
    public void Logits_WithAnAdapter_MatchLlamaCppApplyingIt()
    {
        var llama = LlamaTestAssets.Stories();
        var model = LlamaTrainingModel.Load(llama.Path);
        var lora = RandomAdapter(model, llama.Sha256, seed: 5, magnitude: 0.05f);
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "adapter.gguf");
        LoraAdapterFile.Write(lora, path);
        using var adapter = LlamaLoraAdapter.Load(llama, path);
        var tokens = llama.Tokenize(Text);
        var expected = LlamaLogits(llama, tokens, adapter);
        var baseLogits = LlamaLogits(llama, tokens, null);
        Assert.True(MaxRelativeDifference(Array.ConvertAll(baseLogits, v => (double)v), expected, model.VocabularySize) > 0.05, "The adapter barely changes the logits.");

        var relative = MaxRelativeDifference(model.Logits(tokens, lora), expected, model.VocabularySize);
        TestContext.Current.SendDiagnosticMessage($"C# forward vs llama.cpp with a rank-4 adapter: max relative |Δlogit| {relative:G3}");
        Assert.True(relative <= LogitRelativeTolerance, $"The logits differ by {relative} of the largest (tolerance {LogitRelativeTolerance}).");
    }

    [Fact]
    public void Backward_MatchesFiniteDifferences()
    {
        var path = SharedAssets.RequireStoriesModel();
        var model = LlamaTrainingModel.Load(path);
        var lora = RandomAdapter(model, LoraMerge.Sha256(path), seed: 7, magnitude: 0.2f);
        var slots = model.Slots(lora, 1f);
        int[] tokens = [1, 403, 407, 261, 378, 430, 261, 299, 281, 379, 346, 266];
        var weight = 1.0 / (tokens.Length - 1);

        var pass = new LlamaTrainingModel.Pass(model, tokens, slots);
        pass.Forward();
        var (_, logitGradient) = pass.CrossEntropy(weight);
        pass.Backward(logitGradient);

        double Loss()
        {
            var p = new LlamaTrainingModel.Pass(model, tokens, slots);
            p.Forward();
            return p.CrossEntropy(weight).Loss * weight;
        }

        var random = new Random(11);
        var worst = 0.0;
        var checkedCount = 0;
        for (var l = 0; l < model.LayerCount; l++)
        {
            for (var p = 0; p < LlamaTrainingModel.ProjectionKinds.Count; p++)
            {
                if (slots[l][p] is not { } slot)
                {
                    continue;
                }

                foreach (var (values, gradient) in new[] { (slot.A, pass.GradA[l][p]), (slot.B, pass.GradB[l][p]) })
                {
                    for (var n = 0; n < 2; n++)
                    {
                        var i = random.Next(values.Length);
                        var (numeric, error) = Check(values, i, gradient[i], Loss);
                        Assert.True(error <= GradientRelativeTolerance,
                            $"{slot.TensorName} {(values == slot.A ? "A" : "B")}[{i}]: analytic {gradient[i]:G9}, numeric {numeric:G9} (relative error {error:G3}).");
                        worst = Math.Max(worst, error);
                        checkedCount++;
                    }
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"gradient check: {checkedCount} LoRA parameters, worst relative error {worst:G3}");
        Assert.Equal(model.LayerCount * LlamaTrainingModel.ProjectionKinds.Count * 4, checkedCount);
    }

    [Fact]
    public void Backward_OfTheReplayDivergence_MatchesFiniteDifferences()
    {
        var path = SharedAssets.RequireStoriesModel();
        var model = LlamaTrainingModel.Load(path);
        var lora = RandomAdapter(model, LoraMerge.Sha256(path), seed: 9, magnitude: 0.2f);
        var slots = model.Slots(lora, 1f);
        int[] tokens = [1, 403, 407, 261, 378, 430, 261, 299];
        var basePass = new LlamaTrainingModel.Pass(model, tokens, null);
        basePass.Forward();
        var targets = basePass.Probabilities();
        var weight = 1.0 / tokens.Length;

        var pass = new LlamaTrainingModel.Pass(model, tokens, slots);
        pass.Forward();
        var (divergence, logitGradient) = pass.Divergence(targets, weight);
        Assert.True(divergence > 0.01, $"The adapter moves the distributions by only {divergence} nats.");
        pass.Backward(logitGradient);

        var worst = 0.0;
        foreach (var (layer, projection) in new[] { (0, 0), (2, 2), (4, 6), (1, 3) })
        {
            var slot = slots[layer][projection]!;
            foreach (var (values, gradient) in new[] { (slot.A, pass.GradA[layer][projection]), (slot.B, pass.GradB[layer][projection]) })
            {
                var i = values.Length / 3;
                var (numeric, error) = Check(values, i, gradient[i], Divergence);
                Assert.True(error <= GradientRelativeTolerance, $"{slot.TensorName}[{i}]: analytic {gradient[i]:G9}, numeric {numeric:G9} ({error:G3}).");
                worst = Math.Max(worst, error);
            }
        }

        TestContext.Current.SendDiagnosticMessage($"replay KL gradient check: 8 parameters, worst relative error {worst:G3}");

        double Divergence()
        {
            var p = new LlamaTrainingModel.Pass(model, tokens, slots);
            p.Forward();
            return p.Divergence(targets, weight).Divergence * weight;
        }
    }

    // The central difference of an objective in parameter i, and its relative error against the analytic gradient.
    private static (double Numeric, double Error) Check(double[] values, int i, double analytic, Func<double> objective)
    {
        var original = values[i];
        values[i] = original + FiniteDifferenceStep;
        var plus = objective();
        values[i] = original - FiniteDifferenceStep;
        var minus = objective();
        values[i] = original;
        var numeric = (plus - minus) / (2 * FiniteDifferenceStep);
        return (numeric, Math.Abs(numeric - analytic) / Math.Max(1e-6, Math.Abs(numeric) + Math.Abs(analytic)));
    }

    /// <summary>A rank-4 adapter on every projection of every layer with uniform random A and B.</summary>
    internal static LoraAdapter RandomAdapter(LlamaTrainingModel model, string sha256, int seed, float magnitude)
    {
        const int rank = 4;
        var random = new Random(seed);
        var targets = new List<LoraTarget>();
        for (var l = 0; l < model.LayerCount; l++)
        {
            foreach (var kind in LlamaTrainingModel.ProjectionKinds)
            {
                var name = $"blk.{l}.{kind}.weight";
                var (input, output) = model.ProjectionShape(name);
                targets.Add(new LoraTarget(name, input, output, rank, Fill(rank * input, random, magnitude), Fill(output * rank, random, magnitude)));
            }
        }

        return new LoraAdapter("llama", sha256, rank, 8f, targets);
    }

    private static float[] Fill(int length, Random random, float magnitude)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = ((2 * random.NextSingle()) - 1) * magnitude;
        }

        return values;
    }

    private static float[] LlamaLogits(LlamaModel llama, int[] tokens, LlamaLoraAdapter? adapter)
    {
        using var context = llama.CreateContext(new LlamaContextOptions { ContextTokens = 256, Threads = 2 });
        if (adapter is not null)
        {
            context.SetLoraAdapters([(adapter, 1f)]);
        }

        using var batch = new LlamaBatch(tokens.Length);
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, 0, output: true);
        }

        context.Decode(batch);
        var logits = new float[tokens.Length * llama.VocabularySize];
        for (var i = 0; i < tokens.Length; i++)
        {
            context.CopyLogits(i, logits.AsSpan(i * llama.VocabularySize, llama.VocabularySize));
        }

        return logits;
    }

    private static double MaxRelativeDifference(double[] actual, float[] expected, int vocabulary)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        for (var row = 0; row < expected.Length / vocabulary; row++)
        {
            var largest = 0.0;
            var difference = 0.0;
            for (var i = row * vocabulary; i < (row + 1) * vocabulary; i++)
            {
                largest = Math.Max(largest, Math.Abs(expected[i]));
                difference = Math.Max(difference, Math.Abs(actual[i] - expected[i]));
            }

            worst = Math.Max(worst, difference / largest);
        }

        return worst;
    }
}
