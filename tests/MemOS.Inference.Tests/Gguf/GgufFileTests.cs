using MemOS.Inference.Gguf;

namespace MemOS.Inference.Tests.Gguf;

/// <summary>Reading GGUF files: every metadata type and tensor data round-trip through <see cref="GgufWriter"/>, and
/// malformed files fail with a <see cref="FormatException"/>.</summary>
public sealed class GgufFileTests
{
    private static readonly GgufMetadataValue[] Values =
    [
        new(GgufValueType.UInt8, (byte)200),
        new(GgufValueType.Int8, (sbyte)-100),
        new(GgufValueType.UInt16, (ushort)60000),
        new(GgufValueType.Int16, (short)-30000),
        new(GgufValueType.UInt32, 4_000_000_000u),
        new(GgufValueType.Int32, -2_000_000_000),
        new(GgufValueType.Float32, 3.25f),
        new(GgufValueType.Bool, true),
        new(GgufValueType.String, "héllo ▁world"),
        new(GgufValueType.UInt64, ulong.MaxValue - 1),
        new(GgufValueType.Int64, long.MinValue + 1),
        new(GgufValueType.Float64, Math.PI),
        new(GgufValueType.Array, new[] { "a", "", "ü" }, GgufValueType.String),
        new(GgufValueType.Array, new[] { 1.5f, -2f }, GgufValueType.Float32),
        new(GgufValueType.Array, new long[] { 7, -8 }, GgufValueType.Int64),
        new(GgufValueType.Array, new[] { true, false }, GgufValueType.Bool),
        new(GgufValueType.Array, Array.Empty<byte>(), GgufValueType.UInt8),
    ];

    [Fact]
    public void Read_WhatTheWriterWrote_GivesBackEveryValueAndTensor()
    {
        var bytes = Write(alignment: 64);
        using var file = GgufFile.Read(new MemoryStream(bytes));
        Assert.Equal(3u, file.Version);
        Assert.Equal(64, file.Alignment);
        Assert.Equal(["general.alignment", .. Values.Select((_, i) => $"k{i}"), "typed"], file.Keys);
        for (var i = 0; i < Values.Length; i++)
        {
            var read = file.Metadata[$"k{i}"];
            Assert.Equal(Values[i].Type, read.Type);
            Assert.Equal(Values[i].ElementType, read.ElementType);
            Assert.Equal(Values[i].Value, read.Value);
        }

        Assert.Equal("x", file.Metadata["typed"].AsString());
        Assert.Equal(3.25f, file.Metadata["k6"].AsFloat32());
        Assert.Equal(4_000_000_000ul, file.Metadata["k4"].AsUInt64());
        Assert.Throws<InvalidOperationException>(() => file.Metadata["k5"].AsUInt64()); // negative
        Assert.Throws<InvalidOperationException>(() => file.Metadata["k0"].AsString());

        Assert.Equal(["f32", "f16"], file.Tensors.Select(t => t.Name));
        var f32 = file.FindTensor("f32")!;
        Assert.Equal([3L, 2L], f32.Shape);
        Assert.Equal((6L, GgufTensorType.F32), (f32.ElementCount, f32.ElementType));
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], file.ReadTensor("f32"));
        Assert.Equal([0.5f, -1.25f, 1024f, 0.333251953125f], file.ReadTensor("f16")); // F16 values, exactly
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(64, file.FindTensor("f16")!.Offset); // 24 bytes of f32 padded to 64
        Assert.Null(file.FindTensor("missing"));
        Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("missing"));
    }

    [Fact]
    public void Read_MalformedFiles_ThrowFormatException()
    {
        var bytes = Write();
        Assert.Throws<FormatException>(() => GgufFile.Read(new MemoryStream([.. "GGUX"u8, .. bytes[4..]])));
        var badVersion = bytes.ToArray();
        badVersion[4] = 9;
        Assert.Contains("version 9", Assert.Throws<FormatException>(() => GgufFile.Read(new MemoryStream(badVersion))).Message);

        // Cut anywhere inside the header or the data (before the last tensor's padding): always a FormatException.
        using var whole = GgufFile.Read(new MemoryStream(bytes));
        var end = whole.DataOffset + whole.FindTensor("f16")!.Offset + 8;
        for (var length = 0; length < end; length += 3)
        {
            var cut = bytes[..length];
            Assert.Throws<FormatException>(() =>
            {
                using var file = GgufFile.Read(new MemoryStream(cut));
                foreach (var tensor in file.Tensors)
                {
                    file.ReadTensor(tensor);
                }
            });
        }

        // A string length far past the end of the file.
        var hugeString = bytes.ToArray();
        BitConverter.GetBytes(ulong.MaxValue / 2).CopyTo(hugeString, 24);
        Assert.Contains("past the end", Assert.Throws<FormatException>(() => GgufFile.Read(new MemoryStream(hugeString))).Message);

        // An unknown value type.
        var writer = new GgufWriter();
        writer.AddUInt32("k", 1);
        using var stream = new MemoryStream();
        writer.Write(stream);
        var unknownType = stream.ToArray();
        BitConverter.GetBytes(99).CopyTo(unknownType, 24 + 8 + 1);
        Assert.Contains("Unknown metadata value type 99", Assert.Throws<FormatException>(() => GgufFile.Read(new MemoryStream(unknownType))).Message);
    }

    [Fact]
    public void Open_TheStoriesModel_ReadsItsHeaderAndWeights()
    {
        var path = SharedAssets.RequireStoriesModel();
        using var file = GgufFile.Open(path);
        Assert.Equal("llama", file.Metadata["general.architecture"].AsString());
        Assert.Equal(48, file.Tensors.Count);
        Assert.Equal(512, file.Metadata["tokenizer.ggml.tokens"].AsStringArray().Count);
        var q = file.FindTensor("blk.0.attn_q.weight")!;
        Assert.Equal([64L, 64L], q.Shape);
        var weights = file.ReadTensor(q);
        Assert.Equal(64 * 64, weights.Length);
        Assert.Contains(weights, w => w != 0);
        Assert.All(weights, w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public void MetadataValue_RefusesAValueOfTheWrongType()
    {
        Assert.Throws<ArgumentException>(() => new GgufMetadataValue(GgufValueType.UInt32, 1));
        Assert.Throws<ArgumentException>(() => new GgufMetadataValue(GgufValueType.Array, new[] { 1 }, GgufValueType.UInt32));
        Assert.Throws<ArgumentException>(() => new GgufMetadataValue(GgufValueType.Array, new[] { 1 }));
        Assert.Throws<ArgumentException>(() => new GgufMetadataValue(GgufValueType.String, "s", GgufValueType.String));
    }

    private static byte[] Write(int alignment = GgufWriter.DefaultAlignment)
    {
        var writer = new GgufWriter(alignment);
        for (var i = 0; i < Values.Length; i++)
        {
            writer.Add($"k{i}", Values[i]);
        }

        writer.AddString("typed", "x");
        writer.AddTensor("f32", GgufTensorType.F32, [3, 2], (offset, span) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = offset + i;
            }
        });
        float[] halves = [0.5f, -1.25f, 1024f, 1f / 3];
        writer.AddTensor("f16", GgufTensorType.F16, [2, 2], (offset, span) => halves.AsSpan((int)offset, span.Length).CopyTo(span));
        using var stream = new MemoryStream();
        writer.Write(stream);
        return stream.ToArray();
    }
}
