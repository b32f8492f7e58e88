using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;

namespace MemOS.Inference.Gguf;

/// <summary>Writes a GGUF file (version 3), the model format of ggml and llama.cpp: metadata key-value pairs, then
/// tensor descriptions, then the aligned tensor data.</summary>
/// <remarks>
/// The layout (little-endian throughout; ggml's <c>gguf.h</c>):
/// <list type="number">
/// <item>magic <c>"GGUF"</c> (4 bytes), version (<c>uint32</c>, 3), tensor count (<c>int64</c>), key-value count (<c>int64</c>);</item>
/// <item>each key-value pair: the key (a string), the value type (<c>int32</c>, <c>enum gguf_type</c>), the value; an
/// array value is its element type (<c>int32</c>), its length (<c>uint64</c>) and the elements;</item>
/// <item>each tensor: its name (a string), its number of dimensions (<c>uint32</c>), each dimension (<c>int64</c>,
/// <c>ne0</c> first: the fastest-varying one, the row length), its type (<c>int32</c>, <c>enum ggml_type</c>), and
/// its data offset (<c>uint64</c>) from the start of the data section, a multiple of the alignment;</item>
/// <item>zero padding up to a multiple of the alignment (<c>general.alignment</c>, 32 when the key is absent), then
/// the data section: each tensor's elements, row-major, padded with zeros to the alignment.</item>
/// </list>
/// A string is its UTF-8 byte length (<c>uint64</c>) and its bytes, with no terminator; a bool is one byte.
/// Not thread-safe. Keys and tensor names must be unique (llama.cpp refuses duplicates).
/// </remarks>
public sealed class GgufWriter
{
    /// <summary>The alignment llama.cpp assumes when <c>general.alignment</c> is absent, in bytes.</summary>
    public const int DefaultAlignment = 32;

    private const uint Version = 3;
    private const int ChunkElements = 1 << 16;

    // enum gguf_type
    private const int TypeUInt32 = 4;
    private const int TypeInt32 = 5;
    private const int TypeFloat32 = 6;
    private const int TypeBool = 7;
    private const int TypeString = 8;
    private const int TypeArray = 9;
    private const int TypeUInt64 = 10;

    private readonly List<(string Key, Action<BinaryWriter> Write)> _metadata = [];
    private readonly List<Tensor> _tensors = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Creates an empty writer.</summary>
    /// <param name="alignment">The data alignment in bytes: a power of two, at least 8. Default 32 (written as
    /// <c>general.alignment</c> only when it differs).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alignment"/> is not a power of two of at least 8.</exception>
    public GgufWriter(int alignment = DefaultAlignment)
    {
        if (alignment < 8 || !int.IsPow2(alignment))
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "The alignment is a power of two, at least 8.");
        }

        Alignment = alignment;
        if (alignment != DefaultAlignment)
        {
            AddUInt32("general.alignment", (uint)alignment);
        }
    }

    /// <summary>The data alignment, in bytes.</summary>
    public int Alignment { get; }

    /// <summary>The number of tensors added.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>The elements of all tensors added.</summary>
    public long ElementCount => _tensors.Sum(t => t.Elements);

    /// <summary>Adds a string value.</summary>
    /// <param name="key">The key, unique (for example <c>general.architecture</c>).</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddString(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Add(key, w =>
        {
            w.Write(TypeString);
            WriteString(w, value);
        });
    }

    /// <summary>Adds an unsigned 32-bit value.</summary>
    /// <param name="key">The key, unique.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddUInt32(string key, uint value) => Add(key, w =>
    {
        w.Write(TypeUInt32);
        w.Write(value);
    });

    /// <summary>Adds a signed 32-bit value.</summary>
    /// <param name="key">The key, unique.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddInt32(string key, int value) => Add(key, w =>
    {
        w.Write(TypeInt32);
        w.Write(value);
    });

    /// <summary>Adds an unsigned 64-bit value.</summary>
    /// <param name="key">The key, unique.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddUInt64(string key, ulong value) => Add(key, w =>
    {
        w.Write(TypeUInt64);
        w.Write(value);
    });

    /// <summary>Adds a 32-bit float value.</summary>
    /// <param name="key">The key, unique.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddFloat32(string key, float value) => Add(key, w =>
    {
        w.Write(TypeFloat32);
        w.Write(value);
    });

    /// <summary>Adds a bool value (one byte).</summary>
    /// <param name="key">The key, unique.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddBool(string key, bool value) => Add(key, w =>
    {
        w.Write(TypeBool);
        w.Write(value ? (byte)1 : (byte)0);
    });

    /// <summary>Adds an array of strings.</summary>
    /// <param name="key">The key, unique (for example <c>tokenizer.ggml.tokens</c>).</param>
    /// <param name="values">The elements (copied).</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddStringArray(string key, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = values.ToArray();
        Add(key, w =>
        {
            WriteArrayHeader(w, TypeString, copy.Length);
            foreach (var value in copy)
            {
                WriteString(w, value);
            }
        });
    }

    /// <summary>Adds an array of 32-bit floats.</summary>
    /// <param name="key">The key, unique (for example <c>tokenizer.ggml.scores</c>).</param>
    /// <param name="values">The elements (copied).</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddFloat32Array(string key, ReadOnlySpan<float> values)
    {
        var copy = values.ToArray();
        Add(key, w =>
        {
            WriteArrayHeader(w, TypeFloat32, copy.Length);
            foreach (var value in copy)
            {
                w.Write(value);
            }
        });
    }

    /// <summary>Adds an array of signed 32-bit integers.</summary>
    /// <param name="key">The key, unique (for example <c>tokenizer.ggml.token_type</c>).</param>
    /// <param name="values">The elements (copied).</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void AddInt32Array(string key, ReadOnlySpan<int> values)
    {
        var copy = values.ToArray();
        Add(key, w =>
        {
            WriteArrayHeader(w, TypeInt32, copy.Length);
            foreach (var value in copy)
            {
                w.Write(value);
            }
        });
    }

    /// <summary>Adds a value of any GGUF type (for copying another file's metadata, <see cref="GgufFile.Metadata"/>).</summary>
    /// <param name="key">The key, unique.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public void Add(string key, GgufMetadataValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Add(key, w =>
        {
            w.Write((int)value.Type);
            if (value.Value is Array array)
            {
                w.Write((int)value.ElementType!.Value);
                w.Write((ulong)array.Length);
                foreach (var element in array)
                {
                    WriteScalar(w, element);
                }
            }
            else
            {
                WriteScalar(w, value.Value);
            }
        });
    }

    /// <summary>Adds a tensor whose elements <paramref name="fill"/> produces when the file is written.</summary>
    /// <param name="name">The tensor name, unique (for example <c>blk.0.attn_q.weight</c>).</param>
    /// <param name="type">The element type written.</param>
    /// <param name="shape">The dimensions, <c>ne0</c> (the row length) first; 1 to 4 of them, each at least 1.</param>
    /// <param name="fill">Produces the elements, chunk by chunk, in row-major order.</param>
    /// <exception cref="ArgumentException">The name is empty or already added, or the shape is invalid.</exception>
    public void AddTensor(string name, GgufTensorType type, ReadOnlySpan<long> shape, GgufTensorFill fill)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(fill);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown tensor type.");
        }

        if (shape.Length is < 1 or > 4)
        {
            throw new ArgumentException("A tensor has 1 to 4 dimensions.", nameof(shape));
        }

        long elements = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 1)
            {
                throw new ArgumentException("Every dimension is at least 1.", nameof(shape));
            }

            elements = checked(elements * dimension);
        }

        if (!_names.Add(name))
        {
            throw new ArgumentException($"A tensor named {name} was already added.", nameof(name));
        }

        _tensors.Add(new Tensor(name, type, shape.ToArray(), elements, fill));
    }

    /// <summary>Writes the file.</summary>
    /// <param name="output">A writable stream, positioned where the file starts (its position is used as offset 0
    /// for the alignment); left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="IOException">Writing failed.</exception>
    public void Write(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var counter = new CountingStream(output);
        using var writer = new BinaryWriter(counter, Encoding.UTF8, leaveOpen: true);
        writer.Write("GGUF"u8);
        writer.Write(Version);
        writer.Write((long)_tensors.Count);
        writer.Write((long)_metadata.Count);
        foreach (var (key, write) in _metadata)
        {
            WriteString(writer, key);
            write(writer);
        }

        long offset = 0;
        foreach (var tensor in _tensors)
        {
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Shape.Length);
            foreach (var dimension in tensor.Shape)
            {
                writer.Write(dimension);
            }

            writer.Write((int)tensor.Type);
            writer.Write((ulong)offset);
            offset = Align(offset + tensor.Bytes);
        }

        Pad(writer, counter);
        var buffer = ArrayPool<float>.Shared.Rent(ChunkElements);
        var bytes = ArrayPool<byte>.Shared.Rent(ChunkElements * sizeof(float));
        try
        {
            foreach (var tensor in _tensors)
            {
                for (long start = 0; start < tensor.Elements; start += ChunkElements)
                {
                    var count = (int)Math.Min(ChunkElements, tensor.Elements - start);
                    var chunk = buffer.AsSpan(0, count);
                    chunk.Clear();
                    tensor.Fill(start, chunk);
                    writer.Write(Encode(tensor.Type, chunk, bytes));
                }

                Pad(writer, counter);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(bytes);
        }

        writer.Flush();
    }

    // GGUF is little-endian; so are the machines llama.cpp runs on here, so the floats' memory is the file's bytes.
    private static ReadOnlySpan<byte> Encode(GgufTensorType type, ReadOnlySpan<float> values, byte[] buffer)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("GGUF files are written on little-endian machines only.");
        }

        if (type == GgufTensorType.F32)
        {
            return MemoryMarshal.AsBytes(values);
        }

        var halves = MemoryMarshal.Cast<byte, Half>(buffer.AsSpan(0, values.Length * 2));
        TensorPrimitives.ConvertToHalf(values, halves);
        return MemoryMarshal.AsBytes(halves);
    }

    private long Align(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private void Pad(BinaryWriter writer, CountingStream counter)
    {
        writer.Flush();
        var padding = (int)(Align(counter.Count) - counter.Count);
        Span<byte> zeros = stackalloc byte[padding];
        zeros.Clear();
        writer.Write(zeros);
    }

    private void Add(string key, Action<BinaryWriter> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"The key {key} was already added.", nameof(key));
        }

        _metadata.Add((key, write));
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)utf8.Length);
        writer.Write(utf8);
    }

    private static void WriteScalar(BinaryWriter writer, object value)
    {
        switch (value)
        {
            case byte v: writer.Write(v); break;
            case sbyte v: writer.Write(v); break;
            case ushort v: writer.Write(v); break;
            case short v: writer.Write(v); break;
            case uint v: writer.Write(v); break;
            case int v: writer.Write(v); break;
            case float v: writer.Write(v); break;
            case bool v: writer.Write(v ? (byte)1 : (byte)0); break;
            case string v: WriteString(writer, v); break;
            case ulong v: writer.Write(v); break;
            case long v: writer.Write(v); break;
            case double v: writer.Write(v); break;
            default: throw new ArgumentException($"{value.GetType()} is not a GGUF scalar type.", nameof(value));
        }
    }

    private static void WriteArrayHeader(BinaryWriter writer, int elementType, int length)
    {
        writer.Write(TypeArray);
        writer.Write(elementType);
        writer.Write((ulong)length);
    }

    // Counts the bytes written through it, for the padding (the output need not be seekable).
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Count += buffer.Length;
        }
    }

    private sealed record Tensor(string Name, GgufTensorType Type, long[] Shape, long Elements, GgufTensorFill Fill)
    {
        public long Bytes => Elements * (Type == GgufTensorType.F32 ? sizeof(float) : 2);
    }
}
