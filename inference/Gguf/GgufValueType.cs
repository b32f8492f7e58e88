namespace MemOS.Inference.Gguf;

/// <summary>The types of GGUF metadata values (the values of ggml's <c>enum gguf_type</c>).</summary>
public enum GgufValueType
{
    /// <summary><c>GGUF_TYPE_UINT8</c>: <see cref="byte"/>.</summary>
    UInt8 = 0,

    /// <summary><c>GGUF_TYPE_INT8</c>: <see cref="sbyte"/>.</summary>
    Int8 = 1,

    /// <summary><c>GGUF_TYPE_UINT16</c>: <see cref="ushort"/>.</summary>
    UInt16 = 2,

    /// <summary><c>GGUF_TYPE_INT16</c>: <see cref="short"/>.</summary>
    Int16 = 3,

    /// <summary><c>GGUF_TYPE_UINT32</c>: <see cref="uint"/>.</summary>
    UInt32 = 4,

    /// <summary><c>GGUF_TYPE_INT32</c>: <see cref="int"/>.</summary>
    Int32 = 5,

    /// <summary><c>GGUF_TYPE_FLOAT32</c>: <see cref="float"/>.</summary>
    Float32 = 6,

    /// <summary><c>GGUF_TYPE_BOOL</c>: <see cref="bool"/>, one byte (0 or 1).</summary>
    Bool = 7,

    /// <summary><c>GGUF_TYPE_STRING</c>: <see cref="string"/>, its UTF-8 length (<c>uint64</c>) and bytes.</summary>
    String = 8,

    /// <summary><c>GGUF_TYPE_ARRAY</c>: an element type, a length (<c>uint64</c>) and the elements (not nested).</summary>
    Array = 9,

    /// <summary><c>GGUF_TYPE_UINT64</c>: <see cref="ulong"/>.</summary>
    UInt64 = 10,

    /// <summary><c>GGUF_TYPE_INT64</c>: <see cref="long"/>.</summary>
    Int64 = 11,

    /// <summary><c>GGUF_TYPE_FLOAT64</c>: <see cref="double"/>.</summary>
    Float64 = 12,
}
