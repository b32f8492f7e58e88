namespace MemOS.Inference.Gguf;

/// <summary>The description of one tensor in a GGUF file.</summary>
/// <param name="Name">The tensor name (for example <c>blk.0.attn_q.weight</c>).</param>
/// <param name="Shape">The dimensions, <c>ne0</c> (the fastest-varying, the row length) first; 1 to 4 of them.</param>
/// <param name="GgmlType">The element type as ggml's <c>enum ggml_type</c> value (0 F32, 1 F16, others quantized).</param>
/// <param name="Offset">The data offset from the start of the file's data section, in bytes.</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Shape, int GgmlType, long Offset)
{
    /// <summary>The number of elements: the product of <see cref="Shape"/>.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => checked(product * dimension));

    /// <summary>The element type when it is one <see cref="GgufFile.ReadTensor(GgufTensorInfo)"/> reads (F32 or F16);
    /// <see langword="null"/> for the quantized types.</summary>
    public GgufTensorType? ElementType => GgmlType switch
    {
        (int)GgufTensorType.F32 => GgufTensorType.F32,
        (int)GgufTensorType.F16 => GgufTensorType.F16,
        _ => null,
    };
}
