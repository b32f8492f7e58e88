namespace MemOS.Inference.Gguf;

/// <summary>The element types <see cref="GgufWriter"/> writes tensors in (the values of ggml's <c>enum ggml_type</c>).</summary>
public enum GgufTensorType
{
    /// <summary><c>GGML_TYPE_F32</c>: IEEE 754 binary32, 4 bytes an element.</summary>
    F32 = 0,

    /// <summary><c>GGML_TYPE_F16</c>: IEEE 754 binary16, 2 bytes an element.</summary>
    F16 = 1,
}
