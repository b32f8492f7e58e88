namespace MemOS.Inference.Gguf;

/// <summary>Produces a tensor's elements as <see cref="GgufWriter.Write"/> streams them out, a chunk at a time, so a
/// large model never needs to be held in memory.</summary>
/// <param name="offset">The index of the chunk's first element in the tensor (row-major, <c>ne0</c> fastest).</param>
/// <param name="destination">The chunk to fill, as 32-bit floats (converted to the tensor's type on write).</param>
public delegate void GgufTensorFill(long offset, Span<float> destination);
