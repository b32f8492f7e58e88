using MemOS.Inference.Gguf;
using MemOS.Inference.Lora;

namespace MemOS.Inference.Tests.Lora;

/// <summary>Seeded LoRA adapters over the weights of a real GGUF model, for the tests.</summary>
internal static class LoraTestAdapters
{
    /// <summary>The weights the test adapters update, per layer.</summary>
    public static readonly string[] LayerTargets = ["attn_q", "attn_v", "attn_output", "ffn_up", "ffn_down"];

    /// <summary>An adapter of rank 4 and alpha 8 over <see cref="LayerTargets"/> of every layer (and the output
    /// matrix), with uniform random A and B (B zero when asked).</summary>
    /// <param name="modelPath">The base model GGUF (its shapes and hash are used).</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="magnitude">The half-width of the uniform A and B entries.</param>
    /// <param name="zeroB">Make B zero, so the update is zero.</param>
    /// <param name="sha256">The base model hash to record; <see langword="null"/> for the file's own.</param>
    /// <returns>The adapter.</returns>
    public static LoraAdapter Random(string modelPath, int seed, float magnitude = 0.3f, bool zeroB = false, string? sha256 = null)
    {
        const int rank = 4;
        using var file = GgufFile.Open(modelPath);
        var random = new Random(seed);
        var targets = new List<LoraTarget>();
        var names = file.Tensors.Select(t => t.Name)
            .Where(n => n == "output.weight" || LayerTargets.Any(t => n.StartsWith("blk.", StringComparison.Ordinal) && n.EndsWith($".{t}.weight", StringComparison.Ordinal)));
        foreach (var name in names)
        {
            var shape = file.FindTensor(name)!.Shape;
            var (input, output) = ((int)shape[0], (int)shape[1]);
            var a = Fill(new float[rank * input], random, magnitude);
            var b = zeroB ? new float[output * rank] : Fill(new float[output * rank], random, magnitude);
            targets.Add(new LoraTarget(name, input, output, rank, a, b));
        }

        return new LoraAdapter(file.Metadata["general.architecture"].AsString(), sha256 ?? LoraMerge.Sha256(modelPath), rank,
            alpha: 8f, targets, provenance: """{"cubes":["c1","c2"]}""", training: """{"steps":0,"seed":""" + seed + "}");
    }

    private static float[] Fill(float[] values, Random random, float magnitude)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((2 * random.NextSingle()) - 1) * magnitude;
        }

        return values;
    }
}
