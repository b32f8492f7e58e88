using System.Buffers.Binary;
using System.Text;
using MemOS.Inference.Gguf;

namespace MemOS.Inference.Tests.Gguf;

/// <summary>The GGUF layout, byte by byte, for a small file.</summary>
public sealed class GgufWriterTests
{
    [Fact]
    public void Write_LaysOutHeaderMetadataTensorInfosAndAlignedData()
    {
        var writer = new GgufWriter();
        writer.AddString("general.name", "t");
        writer.AddUInt32("n", 7);
        writer.AddTensor("a", GgufTensorType.F32, [3], (offset, span) => span.Fill(1.5f));
        writer.AddTensor("b", GgufTensorType.F16, [2, 2], (offset, span) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = offset + i;
            }
        });
        Assert.Equal((2, 7L), (writer.TensorCount, writer.ElementCount));
        using var stream = new MemoryStream();
        writer.Write(stream);
        var bytes = stream.ToArray();

        Assert.Equal("GGUF"u8.ToArray(), bytes[..4]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(2L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(2L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)));
        var position = 24;
        Assert.Equal("general.name", ReadString(bytes, ref position));
        Assert.Equal(8, Read32(bytes, ref position)); // GGUF_TYPE_STRING
        Assert.Equal("t", ReadString(bytes, ref position));
        Assert.Equal("n", ReadString(bytes, ref position));
        Assert.Equal(4, Read32(bytes, ref position)); // GGUF_TYPE_UINT32
        Assert.Equal(7, Read32(bytes, ref position));

        Assert.Equal("a", ReadString(bytes, ref position));
        Assert.Equal(1, Read32(bytes, ref position)); // dimensions
        Assert.Equal(3L, Read64(bytes, ref position));
        Assert.Equal(0, Read32(bytes, ref position)); // GGML_TYPE_F32
        Assert.Equal(0L, Read64(bytes, ref position)); // offset
        Assert.Equal("b", ReadString(bytes, ref position));
        Assert.Equal(2, Read32(bytes, ref position));
        Assert.Equal((2L, 2L), (Read64(bytes, ref position), Read64(bytes, ref position)));
        Assert.Equal(1, Read32(bytes, ref position)); // GGML_TYPE_F16
        Assert.Equal(32L, Read64(bytes, ref position)); // 12 bytes of "a", padded to 32

        var data = (position + 31) / 32 * 32;
        Assert.All(bytes[position..data], b => Assert.Equal(0, b));
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(data + 8)));
        Assert.Equal((Half)3, BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(data + 32 + 6)));
        Assert.Equal(data + 64, bytes.Length); // the last tensor padded too
    }

    [Fact]
    public void Writer_RefusesDuplicatesBadShapesAndAlignments()
    {
        var writer = new GgufWriter();
        writer.AddUInt32("k", 1);
        Assert.Throws<ArgumentException>(() => writer.AddBool("k", true));
        Assert.Throws<ArgumentException>(() => writer.AddUInt32("", 1));
        writer.AddTensor("t", GgufTensorType.F32, [4], (_, _) => { });
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", GgufTensorType.F32, [4], (_, _) => { }));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("u", GgufTensorType.F32, [], (_, _) => { }));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("u", GgufTensorType.F32, [4, 0], (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter(alignment: 48));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter(alignment: 4));
    }

    [Fact]
    public void AnotherAlignment_IsWrittenAsGeneralAlignment()
    {
        var writer = new GgufWriter(alignment: 64);
        writer.AddTensor("t", GgufTensorType.F32, [1], (_, span) => span[0] = 2f);
        using var stream = new MemoryStream();
        writer.Write(stream);
        var bytes = stream.ToArray();
        var position = 24;
        Assert.Equal("general.alignment", ReadString(bytes, ref position));
        Assert.Equal(4, Read32(bytes, ref position));
        Assert.Equal(64, Read32(bytes, ref position));
        Assert.Equal(0, bytes.Length % 64);
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(bytes.Length - 64)));
    }

    private static string ReadString(byte[] bytes, ref int position)
    {
        var length = (int)Read64(bytes, ref position);
        var text = Encoding.UTF8.GetString(bytes, position, length);
        position += length;
        return text;
    }

    private static int Read32(byte[] bytes, ref int position)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position));
        position += 4;
        return value;
    }

    private static long Read64(byte[] bytes, ref int position)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(position));
        position += 8;
        return value;
    }
}
