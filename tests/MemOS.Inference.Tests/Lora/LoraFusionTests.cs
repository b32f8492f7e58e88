using MathNet.Numerics.LinearAlgebra;
using MemOS.Inference.Lora;

namespace MemOS.Inference.Tests.Lora;

/// <summary>SVD fusion of LoRA adapters against the dense sum of their updates.</summary>
public sealed class LoraFusionTests
{
    /// <summary>The relative Frobenius error allowed when the target rank covers every source rank: the fused factors
    /// are stored in float32 (about 6e-8 relative per element).</summary>
    private const double ExactRelativeTolerance = 1e-4;

    private static readonly string Sha = new('c', 64);

    [Fact]
    public void Fuse_TargetRankCoveringTheSources_EqualsTheDenseSum()
    {
        var a = Adapter(rank: 3, alpha: 6, seed: 1, ("blk.0.attn_q.weight", 20, 16), ("blk.0.attn_v.weight", 20, 8));
        var b = Adapter(rank: 5, alpha: 5, seed: 2, ("blk.0.attn_q.weight", 20, 16), ("blk.1.ffn_down.weight", 30, 20));
        float[] weights = [0.7f, -1.3f];
        var fused = LoraFusion.Fuse([a, b], weights, targetRank: 8);

        Assert.Equal((8, 8f, Sha), (fused.Rank, fused.Alpha, fused.BaseModelSha256));
        Assert.Equal(["blk.0.attn_q.weight", "blk.0.attn_v.weight", "blk.1.ffn_down.weight"], fused.Targets.Select(t => t.TensorName));
        var worst = 0.0;
        foreach (var target in fused.Targets)
        {
            var reference = LoraFusion.DenseUpdate(target.TensorName, [a, b], weights)!;
            var error = RelativeError(Dense(fused, target), reference);
            Assert.True(error <= ExactRelativeTolerance, $"{target.TensorName}: fused update off by {error} relative.");
            worst = Math.Max(worst, error);
        }

        TestContext.Current.SendDiagnosticMessage($"rank-8 fusion of ranks 3 + 5: worst relative Frobenius error {worst:G3}");

        Assert.Contains("\"weight\":-1.3", fused.Provenance);
    }

    [Fact]
    public void Fuse_LowerTargetRank_IsTheBestApproximation()
    {
        var a = Adapter(rank: 4, alpha: 4, seed: 3, ("blk.0.attn_q.weight", 24, 16));
        var b = Adapter(rank: 4, alpha: 8, seed: 4, ("blk.0.attn_q.weight", 24, 16));
        var fused = LoraFusion.Fuse([a, b], [1f, 1f], targetRank: 3);
        var reference = LoraFusion.DenseUpdate("blk.0.attn_q.weight", [a, b], [1f, 1f])!;
        var singular = Matrix<double>.Build.Dense(16, 24, (o, c) => reference[(o * 24) + c]).Svd(computeVectors: false).S;
        var optimal = Math.Sqrt(singular.Skip(3).Sum(s => s * s));
        var actual = Math.Sqrt(Dense(fused, fused.Targets[0]).Zip(reference).Sum(p => (p.First - p.Second) * (p.First - p.Second)));

        // Eckart–Young: the residual of the best rank-3 approximation is the norm of the dropped singular values.
        Assert.True(optimal > 0.01, "The sum has rank 3 or less, so truncation drops nothing.");
        Assert.Equal(optimal, actual, optimal * 1e-4);
    }

    [Fact]
    public void Fuse_InvalidInput_Throws()
    {
        var a = Adapter(rank: 2, alpha: 2, seed: 5, ("blk.0.attn_q.weight", 8, 8));
        var other = new LoraAdapter("llama", new string('d', 64), 2, 2, a.Targets);
        var wrongShape = Adapter(rank: 2, alpha: 2, seed: 6, ("blk.0.attn_q.weight", 8, 4));
        Assert.Throws<ArgumentException>(() => LoraFusion.Fuse([], [], 2));
        Assert.Throws<ArgumentException>(() => LoraFusion.Fuse([a], [1f, 2f], 2));
        Assert.Throws<ArgumentException>(() => LoraFusion.Fuse([a], [float.NaN], 2));
        Assert.Throws<ArgumentException>(() => LoraFusion.Fuse([a, other], [1f, 1f], 2));
        Assert.Throws<ArgumentException>(() => LoraFusion.Fuse([a, wrongShape], [1f, 1f], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => LoraFusion.Fuse([a], [1f], 0));
    }

    private static double[] Dense(LoraAdapter adapter, LoraTarget target)
    {
        var weight = new float[target.OutputLength * target.InputLength];
        target.AddTo(weight, adapter.Factor(1f));
        return Array.ConvertAll(weight, v => (double)v);
    }

    private static double RelativeError(double[] actual, double[] expected)
    {
        var difference = Math.Sqrt(actual.Zip(expected).Sum(p => (p.First - p.Second) * (p.First - p.Second)));
        return difference / Math.Sqrt(expected.Sum(v => v * v));
    }

    private static LoraAdapter Adapter(int rank, float alpha, int seed, params (string Name, int Input, int Output)[] shapes)
    {
        var random = new Random(seed);
        float[] Fill(int n) => Enumerable.Range(0, n).Select(_ => (2 * random.NextSingle()) - 1).ToArray();
        var targets = shapes.Select(s => new LoraTarget(s.Name, s.Input, s.Output, rank, Fill(rank * s.Input), Fill(s.Output * rank))).ToArray();
        return new LoraAdapter("llama", Sha, rank, alpha, targets, provenance: $$"""{"seed":{{seed}}}""");
    }
}
