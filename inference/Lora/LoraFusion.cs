using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace MemOS.Inference.Lora;

/// <summary>Fuses several LoRA adapters of one base model into one adapter of a chosen rank.</summary>
/// <remarks>
/// <para>For every tensor any adapter targets, the dense update <c>ΔW = Σᵢ wᵢ·sᵢ·Bᵢ·Aᵢ</c> (<c>out × in</c>,
/// <c>sᵢ = alphaᵢ / rankᵢ</c>, the update each adapter applies at scale 1; an adapter that does not target the tensor
/// contributes nothing) is re-factorized by truncated singular value decomposition, <c>ΔW ≈ U_k·Σ_k·V_kᵀ</c> with
/// <c>k</c> = the target rank, into <c>B = U_k·√Σ_k</c> (<c>out × k</c>) and <c>A = √Σ_k·V_kᵀ</c> (<c>k × in</c>).
/// By Eckart and Young (1936) this is the best rank-<c>k</c> approximation in the Frobenius norm; when <c>k</c> is at
/// least the sum of the adapters' ranks it is exact (up to rounding). The fused adapter has <c>alpha = k</c>, so its
/// factor at scale 1 is 1. The SVD is MathNet.Numerics' (LAPACK-style Golub–Kahan in managed code), in 64-bit floats.</para>
/// </remarks>
public static class LoraFusion
{
    /// <summary>Fuses adapters into one of rank <paramref name="targetRank"/>.</summary>
    /// <param name="adapters">The adapters, at least one, all of the same base model (SHA-256 and architecture).</param>
    /// <param name="weights">One weight per adapter (the scale it would be applied with), finite.</param>
    /// <param name="targetRank">The rank of the fused adapter, at least 1. Where a weight matrix has fewer than
    /// <paramref name="targetRank"/> rows or columns, the extra rank is zero.</param>
    /// <param name="provenance">JSON provenance for the fused adapter; <see langword="null"/> records the sources'
    /// weights, provenance and training.</param>
    /// <returns>The fused adapter.</returns>
    /// <exception cref="ArgumentException">No adapters, the weights do not match them in number or are not finite,
    /// the adapters' base models differ, or two adapters give one tensor different shapes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetRank"/> is less than 1.</exception>
    public static LoraAdapter Fuse(IReadOnlyList<LoraAdapter> adapters, IReadOnlyList<float> weights, int targetRank, string? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetRank, 1);
        if (adapters.Count == 0)
        {
            throw new ArgumentException("Fusion needs at least one adapter.", nameof(adapters));
        }

        if (weights.Count != adapters.Count || weights.Any(w => !float.IsFinite(w)))
        {
            throw new ArgumentException($"Fusion needs one finite weight per adapter ({adapters.Count}), not {weights.Count}.", nameof(weights));
        }

        var first = adapters[0] ?? throw new ArgumentException("An adapter is null.", nameof(adapters));
        foreach (var adapter in adapters)
        {
            ArgumentNullException.ThrowIfNull(adapter, nameof(adapters));
            if (adapter.BaseModelSha256 != first.BaseModelSha256 || adapter.Architecture != first.Architecture)
            {
                throw new ArgumentException(
                    $"The adapters are for different base models ({first.Architecture} {first.BaseModelSha256} and " +
                    $"{adapter.Architecture} {adapter.BaseModelSha256}).", nameof(adapters));
            }
        }

        var names = adapters.SelectMany(a => a.Targets.Select(t => t.TensorName)).Distinct(StringComparer.Ordinal).ToArray();
        var fused = new LoraTarget[names.Length];
        for (var n = 0; n < names.Length; n++)
        {
            fused[n] = FuseTarget(names[n], adapters, weights, targetRank);
        }

        return new LoraAdapter(first.Architecture, first.BaseModelSha256, targetRank, targetRank, fused,
            provenance ?? SourcesJson(adapters, weights), TrainingJson(targetRank));
    }

    /// <summary>The dense update <c>w·s·B·A</c> one target adds to its weight at scale 1, summed over adapters.</summary>
    /// <param name="tensorName">The target tensor.</param>
    /// <param name="adapters">The adapters.</param>
    /// <param name="weights">Their weights.</param>
    /// <returns><c>out × in</c>, row-major; <see langword="null"/> when no adapter targets the tensor.</returns>
    /// <exception cref="ArgumentException">Two adapters give the tensor different shapes.</exception>
    public static double[]? DenseUpdate(string tensorName, IReadOnlyList<LoraAdapter> adapters, IReadOnlyList<float> weights)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentNullException.ThrowIfNull(weights);
        double[]? dense = null;
        var (input, output) = (0, 0);
        for (var i = 0; i < adapters.Count; i++)
        {
            if (adapters[i].Targets.FirstOrDefault(t => t.TensorName == tensorName) is not { } target)
            {
                continue;
            }

            if (dense is null)
            {
                (input, output) = (target.InputLength, target.OutputLength);
                dense = new double[output * input];
            }
            else if ((input, output) != (target.InputLength, target.OutputLength))
            {
                throw new ArgumentException(
                    $"The adapters disagree on the shape of {tensorName}: {output} × {input} and {target.OutputLength} × {target.InputLength}.",
                    nameof(adapters));
            }

            var factor = (double)weights[i] * adapters[i].Factor(1f);
            for (var o = 0; o < output; o++)
            {
                for (var r = 0; r < target.Rank; r++)
                {
                    var coefficient = factor * target.B[(o * target.Rank) + r];
                    for (var c = 0; c < input; c++)
                    {
                        dense[(o * input) + c] += coefficient * target.A[(r * input) + c];
                    }
                }
            }
        }

        return dense;
    }

    private static LoraTarget FuseTarget(string name, IReadOnlyList<LoraAdapter> adapters, IReadOnlyList<float> weights, int rank)
    {
        var shape = adapters.SelectMany(a => a.Targets).First(t => t.TensorName == name);
        var (input, output) = (shape.InputLength, shape.OutputLength);
        var dense = DenseUpdate(name, adapters, weights)!;
        var matrix = Matrix<double>.Build.Dense(output, input, (o, c) => dense[(o * input) + c]);
        var svd = matrix.Svd(computeVectors: true);
        var a = new float[rank * input];
        var b = new float[output * rank];
        var kept = Math.Min(rank, svd.S.Count);
        for (var k = 0; k < kept; k++)
        {
            var root = Math.Sqrt(svd.S[k]);
            for (var o = 0; o < output; o++)
            {
                b[(o * rank) + k] = (float)(svd.U[o, k] * root);
            }

            for (var c = 0; c < input; c++)
            {
                a[(k * input) + c] = (float)(svd.VT[k, c] * root);
            }
        }

        return new LoraTarget(name, input, output, rank, a, b);
    }

    private static string SourcesJson(IReadOnlyList<LoraAdapter> adapters, IReadOnlyList<float> weights)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("fused_from");
            for (var i = 0; i < adapters.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("weight", weights[i]);
                json.WriteNumber("rank", adapters[i].Rank);
                WriteJsonOrString(json, "provenance", adapters[i].Provenance);
                WriteJsonOrString(json, "training", adapters[i].Training);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJsonOrString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            json.WritePropertyName(name);
            document.WriteTo(json);
        }
        catch (JsonException)
        {
            json.WriteString(name, value);
        }
    }

    private static string TrainingJson(int rank) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $$"""{"method":"fusion-svd","rank":{{rank}}}""");
}
