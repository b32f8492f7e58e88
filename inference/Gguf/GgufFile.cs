using System.Runtime.InteropServices;
using System.Text;

namespace MemOS.Inference.Gguf;

/// <summary>A GGUF file opened for reading (version 2 or 3, the layout <see cref="GgufWriter"/> describes): its metadata
/// and tensor descriptions, read at open, and tensor data read on demand as 32-bit floats.</summary>
/// <remarks>Not thread-safe (reads share one stream position). Dispose it to close the file.</remarks>
public sealed class GgufFile : IDisposable
{
    // Bounds that keep a corrupt count from allocating without limit (llama.cpp's gguf.cpp guards the same way).
    private const long MaxStringBytes = 1L << 30;
    private const long MaxArrayElements = 1L << 28;
    private const int MaxDimensions = 4;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    private GgufFile(Stream stream, bool leaveOpen, uint version, IReadOnlyDictionary<string, GgufMetadataValue> metadata,
        IReadOnlyList<string> keys, IReadOnlyList<GgufTensorInfo> tensors, int alignment, long dataOffset)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Version = version;
        Metadata = metadata;
        Keys = keys;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
        _tensorsByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The format version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>The metadata key-value pairs, by key.</summary>
    public IReadOnlyDictionary<string, GgufMetadataValue> Metadata { get; }

    /// <summary>The metadata keys in file order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The tensor descriptions in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The data alignment in bytes (<c>general.alignment</c>, else 32).</summary>
    public int Alignment { get; }

    /// <summary>Where the data section starts, in bytes from the start of the file.</summary>
    public long DataOffset { get; }

    /// <summary>Opens a GGUF file and reads its header.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The open file; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not well-formed GGUF (the message says where).</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Read(stream, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads the header of a GGUF file from a stream.</summary>
    /// <param name="stream">A readable, seekable stream positioned at the start of the file (position 0).</param>
    /// <param name="leaveOpen">Whether disposing the file leaves the stream open.</param>
    /// <returns>The file.</returns>
    /// <exception cref="ArgumentException">The stream is not readable and seekable.</exception>
    /// <exception cref="FormatException">The stream is not well-formed GGUF (the message says where).</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static GgufFile Read(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("GGUF files are read on little-endian machines only.");
        }

        var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var context = "the header";
        try
        {
            Span<byte> magic = stackalloc byte[4];
            stream.ReadExactly(magic);
            if (!magic.SequenceEqual("GGUF"u8))
            {
                throw new FormatException("Not a GGUF file: it does not start with the magic \"GGUF\".");
            }

            var version = reader.ReadUInt32();
            if (version is not (2 or 3))
            {
                throw new FormatException($"GGUF version {version} is not supported (2 and 3 are).");
            }

            var tensorCount = Count(reader.ReadInt64(), "tensor count", stream);
            var keyCount = Count(reader.ReadInt64(), "key-value count", stream);
            var metadata = new Dictionary<string, GgufMetadataValue>(StringComparer.Ordinal);
            var keys = new List<string>();
            for (long i = 0; i < keyCount; i++)
            {
                context = $"metadata pair {i}";
                var key = ReadString(reader);
                context = $"metadata key {key}";
                var type = (GgufValueType)reader.ReadInt32();
                var value = ReadValue(reader, type);
                if (!metadata.TryAdd(key, value))
                {
                    throw new FormatException($"The metadata key {key} appears twice.");
                }

                keys.Add(key);
            }

            var alignment = 32;
            if (metadata.TryGetValue("general.alignment", out var alignmentValue))
            {
                if (alignmentValue.Value is not uint a || a == 0 || !uint.IsPow2(a))
                {
                    throw new FormatException($"general.alignment is {alignmentValue}, not a power of two (uint32).");
                }

                alignment = (int)a;
            }

            var tensors = new List<GgufTensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (long i = 0; i < tensorCount; i++)
            {
                context = $"tensor {i}";
                var name = ReadString(reader);
                context = $"tensor {name}";
                var dimensions = reader.ReadUInt32();
                if (dimensions is < 1 or > MaxDimensions)
                {
                    throw new FormatException($"The tensor {name} has {dimensions} dimensions (1 to {MaxDimensions} allowed).");
                }

                var shape = new long[dimensions];
                for (var d = 0; d < shape.Length; d++)
                {
                    shape[d] = reader.ReadInt64();
                    if (shape[d] < 1)
                    {
                        throw new FormatException($"The tensor {name} has dimension {d} of {shape[d]}.");
                    }
                }

                var type = reader.ReadInt32();
                var offset = reader.ReadUInt64();
                if (offset % (ulong)alignment != 0 || offset > long.MaxValue)
                {
                    throw new FormatException($"The tensor {name} has data offset {offset}, not a multiple of the alignment {alignment}.");
                }

                if (!names.Add(name))
                {
                    throw new FormatException($"The tensor name {name} appears twice.");
                }

                var info = new GgufTensorInfo(name, shape, type, (long)offset);
                try
                {
                    _ = info.ElementCount;
                }
                catch (OverflowException)
                {
                    throw new FormatException($"The tensor {name} has too many elements.");
                }

                tensors.Add(info);
            }

            var dataOffset = (stream.Position + alignment - 1) / alignment * alignment;
            foreach (var tensor in tensors)
            {
                if (tensor.ElementType is { } elementType && dataOffset + tensor.Offset + Bytes(tensor, elementType) > stream.Length)
                {
                    throw new FormatException($"The data of tensor {tensor.Name} runs past the end of the file.");
                }
            }

            return new GgufFile(stream, leaveOpen, version, metadata, keys, tensors, alignment, dataOffset);
        }
        catch (EndOfStreamException exception)
        {
            throw new FormatException($"The GGUF file ends inside {context}.", exception);
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>Finds a tensor by name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>Its description, or <see langword="null"/> when the file has no such tensor.</returns>
    public GgufTensorInfo? FindTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _tensorsByName.GetValueOrDefault(name);
    }

    /// <summary>Reads a tensor's elements as 32-bit floats.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The elements in file order (row-major, <c>ne0</c> fastest): <see cref="GgufTensorInfo.ElementCount"/> floats.</returns>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    /// <exception cref="NotSupportedException">The tensor is quantized (only F32 and F16 are read).</exception>
    /// <exception cref="FormatException">The file ends inside the tensor's data.</exception>
    /// <exception cref="ObjectDisposedException">The file is disposed.</exception>
    public float[] ReadTensor(string name) =>
        ReadTensor(FindTensor(name) ?? throw new KeyNotFoundException($"The GGUF file has no tensor named {name}."));

    /// <summary>Reads a tensor's elements as 32-bit floats.</summary>
    /// <param name="tensor">The tensor, one of <see cref="Tensors"/>.</param>
    /// <returns>The elements in file order (row-major, <c>ne0</c> fastest): <see cref="GgufTensorInfo.ElementCount"/> floats.</returns>
    /// <exception cref="ArgumentException">The tensor is not one of this file's.</exception>
    /// <exception cref="NotSupportedException">The tensor is quantized (only F32 and F16 are read).</exception>
    /// <exception cref="FormatException">The file ends inside the tensor's data.</exception>
    /// <exception cref="ObjectDisposedException">The file is disposed.</exception>
    public float[] ReadTensor(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_tensorsByName.TryGetValue(tensor.Name, out var own) || own != tensor)
        {
            throw new ArgumentException($"The tensor {tensor.Name} is not one of this file's.", nameof(tensor));
        }

        var type = tensor.ElementType ?? throw new NotSupportedException(
            $"The tensor {tensor.Name} has ggml type {tensor.GgmlType}; only F32 (0) and F16 (1) tensors are read.");
        var values = new float[checked((int)tensor.ElementCount)];
        _stream.Position = DataOffset + tensor.Offset;
        try
        {
            if (type == GgufTensorType.F32)
            {
                _stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                var halves = new Half[values.Length];
                _stream.ReadExactly(MemoryMarshal.AsBytes(halves.AsSpan()));
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(halves, values);
            }
        }
        catch (EndOfStreamException exception)
        {
            throw new FormatException($"The GGUF file ends inside the data of tensor {tensor.Name}.", exception);
        }

        return values;
    }

    /// <summary>Closes the file (unless it was opened with leaveOpen).</summary>
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static long Bytes(GgufTensorInfo tensor, GgufTensorType type) =>
        tensor.ElementCount * (type == GgufTensorType.F32 ? sizeof(float) : 2);

    private static long Count(long count, string what, Stream stream)
    {
        // Every pair or tensor takes at least 8 bytes, so a count beyond the file's length is corrupt.
        if (count < 0 || count > stream.Length / 8)
        {
            throw new FormatException($"The GGUF {what} {count} is out of range for a file of {stream.Length} bytes.");
        }

        return count;
    }

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        var stream = reader.BaseStream;
        if (length > MaxStringBytes || (long)length > stream.Length - stream.Position)
        {
            throw new FormatException($"A string of {length} bytes runs past the end of the file.");
        }

        var bytes = new byte[(int)length];
        stream.ReadExactly(bytes);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException exception)
        {
            throw new FormatException("A string is not valid UTF-8.", exception);
        }
    }

    private static GgufMetadataValue ReadValue(BinaryReader reader, GgufValueType type)
    {
        if (type != GgufValueType.Array)
        {
            return new GgufMetadataValue(type, ReadScalar(reader, type));
        }

        var elementType = (GgufValueType)reader.ReadInt32();
        if (elementType == GgufValueType.Array || !Enum.IsDefined(elementType))
        {
            throw new FormatException($"An array has element type {(int)elementType} (nested or unknown).");
        }

        var length = reader.ReadUInt64();
        var stream = reader.BaseStream;
        if (length > MaxArrayElements || (long)length > stream.Length - stream.Position)
        {
            throw new FormatException($"An array of {length} elements runs past the end of the file.");
        }

        var array = Array.CreateInstance(GgufMetadataValue.ClrType(elementType), (int)length);
        for (var i = 0; i < array.Length; i++)
        {
            array.SetValue(ReadScalar(reader, elementType), i);
        }

        return new GgufMetadataValue(GgufValueType.Array, array, elementType);
    }

    private static object ReadScalar(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw new FormatException($"A bool has the byte {b} (0 or 1 allowed)."),
        },
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        _ => throw new FormatException($"Unknown metadata value type {(int)type}."),
    };
}
