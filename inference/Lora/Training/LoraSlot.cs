namespace MemOS.Inference.Lora.Training;

/// <summary>The LoRA matrices on one projection during a pass: <c>A</c> (<c>r × in</c>) and <c>B</c> (<c>out × r</c>),
/// row-major, and the factor <c>s</c> the update <c>s·B·A</c> is multiplied by.</summary>
/// <param name="TensorName">The base weight, <c>blk.N.&lt;kind&gt;.weight</c>.</param>
/// <param name="Input">The input width <c>in</c>.</param>
/// <param name="Output">The output width <c>out</c>.</param>
/// <param name="Rank">The rank <c>r</c>.</param>
/// <param name="Factor">The factor <c>s = scale · alpha / r</c>.</param>
/// <param name="A"><c>r × in</c>.</param>
/// <param name="B"><c>out × r</c>.</param>
internal sealed record LoraSlot(string TensorName, int Input, int Output, int Rank, double Factor, double[] A, double[] B);
