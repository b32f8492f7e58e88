using MemOS.Inference.Gguf;
using MemOS.Inference.Lora;
using MemOS.Inference.Tests.Llama;

namespace MemOS.Inference.Tests.Lora;

/// <summary>The GGUF LoRA format: what the writer lays out, what the reader gives back, and the merge arithmetic.</summary>
public sealed class LoraAdapterFileTests
{
    private const string Sha = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

    [Fact]
    public void WriteRead_RoundTrip_GivesBackTheAdapterAndLlamaCppsKeys()
    {
        var adapter = Small(provenance: """{"cubes":["a"]}""", training: """{"lr":0.001}""");
        using var stream = new MemoryStream();
        LoraAdapterFile.Write(adapter, stream);

        stream.Position = 0;
        using (var file = GgufFile.Read(stream, leaveOpen: true))
        {
            Assert.Equal("adapter", file.Metadata["general.type"].AsString());
            Assert.Equal("lora", file.Metadata["adapter.type"].AsString());
            Assert.Equal("llama", file.Metadata["general.architecture"].AsString());
            Assert.Equal(GgufValueType.Float32, file.Metadata["adapter.lora.alpha"].Type);
            Assert.Equal(["blk.0.attn_q.weight.lora_a", "blk.0.attn_q.weight.lora_b", "output.weight.lora_a", "output.weight.lora_b"],
                file.Tensors.Select(t => t.Name));
            Assert.Equal([5L, 2L], file.FindTensor("blk.0.attn_q.weight.lora_a")!.Shape); // ne = [in, rank]
            Assert.Equal([2L, 3L], file.FindTensor("blk.0.attn_q.weight.lora_b")!.Shape); // ne = [rank, out]
        }

        stream.Position = 0;
        using var reread = GgufFile.Read(stream);
        var read = LoraAdapterFile.Read(reread);
        Assert.Equal(("llama", Sha.ToLowerInvariant(), 2, 4f), (read.Architecture, read.BaseModelSha256, read.Rank, read.Alpha));
        Assert.Equal(("""{"cubes":["a"]}""", """{"lr":0.001}"""), (read.Provenance, read.Training));
        Assert.Equal(adapter.Targets.Select(t => t.TensorName), read.Targets.Select(t => t.TensorName));
        for (var i = 0; i < adapter.Targets.Count; i++)
        {
            Assert.Equal((adapter.Targets[i].InputLength, adapter.Targets[i].OutputLength), (read.Targets[i].InputLength, read.Targets[i].OutputLength));
            Assert.Equal(adapter.Targets[i].A, read.Targets[i].A);
            Assert.Equal(adapter.Targets[i].B, read.Targets[i].B);
        }
    }

    [Fact]
    public void WriteRead_F16_RoundsToHalfPrecision_AndOptionalKeysStayAbsent()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "a.gguf");
        var adapter = Small();
        LoraAdapterFile.Write(adapter, path, GgufTensorType.F16);
        var read = LoraAdapterFile.Read(path);
        Assert.Null(read.Provenance);
        Assert.Null(read.Training);
        Assert.Equal(Sha.ToLowerInvariant(), LoraAdapterFile.ReadBaseModelSha256(path));
        for (var i = 0; i < adapter.Targets.Count; i++)
        {
            Assert.Equal(adapter.Targets[i].A.Select(x => (float)(Half)x), read.Targets[i].A);
        }
    }

    [Fact]
    public void Read_AModelOrAForeignAdapter_ThrowsFormatException()
    {
        using var directory = new TempDirectory();
        var model = Path.Combine(directory.Path, "model.gguf");
        using (var stream = File.Create(model))
        {
            SyntheticLlamaModel.Write(SyntheticLlamaConfig.Tiny with { Layers = 1 }, stream);
        }

        Assert.Contains("not a LoRA adapter", Assert.Throws<FormatException>(() => LoraAdapterFile.Read(model)).Message);

        var writer = new GgufWriter(); // a llama.cpp adapter without MemOS's keys
        writer.AddString("general.type", "adapter");
        writer.AddString("adapter.type", "lora");
        writer.AddString("general.architecture", "llama");
        writer.AddFloat32("adapter.lora.alpha", 1);
        var foreign = Path.Combine(directory.Path, "foreign.gguf");
        using (var stream = File.Create(foreign))
        {
            writer.Write(stream);
        }

        Assert.Contains(LoraAdapterFile.BaseModelSha256Key, Assert.Throws<FormatException>(() => LoraAdapterFile.Read(foreign)).Message);
    }

    [Fact]
    public void AddTo_MatchesADenseReference()
    {
        var random = new Random(3);
        foreach (var (input, output, rank) in new[] { (1, 1, 1), (5, 3, 2), (17, 33, 4), (64, 172, 8) })
        {
            var a = Enumerable.Range(0, rank * input).Select(_ => random.NextSingle() - 0.5f).ToArray();
            var b = Enumerable.Range(0, output * rank).Select(_ => random.NextSingle() - 0.5f).ToArray();
            var w = Enumerable.Range(0, output * input).Select(_ => random.NextSingle() - 0.5f).ToArray();
            var expected = new double[w.Length];
            for (var o = 0; o < output; o++)
            {
                for (var i = 0; i < input; i++)
                {
                    double sum = 0;
                    for (var r = 0; r < rank; r++)
                    {
                        sum += (double)b[(o * rank) + r] * a[(r * input) + i];
                    }

                    expected[(o * input) + i] = w[(o * input) + i] + (0.75 * sum);
                }
            }

            new LoraTarget("t.weight", input, output, rank, a, b).AddTo(w, 0.75f);
            for (var k = 0; k < w.Length; k++)
            {
                Assert.Equal(expected[k], w[k], 1e-5);
            }
        }
    }

    [Fact]
    public void Constructors_RefuseInconsistentShapesAndMetadata()
    {
        Assert.Throws<ArgumentException>(() => new LoraTarget("t", 3, 2, 2, new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => new LoraTarget("t", 3, 2, 2, new float[6], new float[5]));
        Assert.Throws<ArgumentException>(() => new LoraTarget("token_embd.weight", 3, 2, 2, new float[6], new float[4]));
        var target = new LoraTarget("t", 3, 2, 2, new float[6], new float[4]);
        Assert.Throws<ArgumentException>(() => new LoraAdapter("llama", "abc", 2, 1, [target]));
        Assert.Throws<ArgumentException>(() => new LoraAdapter("llama", Sha, 3, 1, [target]));
        Assert.Throws<ArgumentException>(() => new LoraAdapter("llama", Sha, 2, 1, [target, target]));
        Assert.Throws<ArgumentException>(() => new LoraAdapter("llama", Sha, 2, 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoraAdapter("llama", Sha, 2, 0, [target]));
        Assert.Equal(1f, new LoraAdapter("llama", Sha, 2, 4, [target]).Factor(0.5f));
    }

    private static LoraAdapter Small(string? provenance = null, string? training = null)
    {
        float[] Seq(int n, float start) => Enumerable.Range(0, n).Select(i => start + (i * 0.125f)).ToArray();
        return new LoraAdapter("llama", Sha, 2, 4f,
            [new LoraTarget("blk.0.attn_q.weight", 5, 3, 2, Seq(10, -1), Seq(6, 0.5f)), new LoraTarget("output.weight", 4, 7, 2, Seq(8, 2), Seq(14, -3))],
            provenance, training);
    }
}
