namespace MemOS.Inference.Lora;

/// <summary>The low-rank update of one weight matrix of the base model: <c>ΔW = B·A</c>.</summary>
/// <remarks>
/// <para>The base weight <c>W</c> is a ggml tensor of shape <c>ne = [InputLength, OutputLength]</c>: in row-major
/// terms <c>OutputLength</c> rows of <c>InputLength</c>, so that <c>y = W·x</c> maps an input of
/// <see cref="InputLength"/> to an output of <see cref="OutputLength"/>.</para>
/// <para><see cref="A"/> is <c>Rank × InputLength</c> row-major (ggml <c>ne = [InputLength, Rank]</c>, the
/// <c>.lora_a</c> tensor); <see cref="B"/> is <c>OutputLength × Rank</c> row-major (ggml <c>ne = [Rank, OutputLength]</c>,
/// the <c>.lora_b</c> tensor). This is PEFT's <c>lora_A</c>/<c>lora_B</c> layout and the one llama.cpp's
/// <c>llama-adapter.cpp</c> checks. llama.cpp computes <c>y = W·x + s·B·(A·x)</c> with
/// <c>s = scale · alpha / rank</c>.</para>
/// </remarks>
public sealed class LoraTarget
{
    /// <summary>Creates a target; the arrays are kept, not copied.</summary>
    /// <param name="tensorName">The base model's weight tensor, for example <c>blk.0.attn_q.weight</c>.</param>
    /// <param name="inputLength">The base weight's <c>ne0</c>: its row length, the input width.</param>
    /// <param name="outputLength">The base weight's <c>ne1</c>: its number of rows, the output width.</param>
    /// <param name="rank">The rank <c>r</c>, at least 1.</param>
    /// <param name="a"><c>r × inputLength</c> floats, row-major.</param>
    /// <param name="b"><c>outputLength × r</c> floats, row-major.</param>
    /// <exception cref="ArgumentException">The name is empty or names <c>token_embd.weight</c> (whose adapter layout
    /// llama.cpp flips; not supported), or an array has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public LoraTarget(string tensorName, int inputLength, int outputLength, int rank, float[] a, float[] b)
    {
        ArgumentException.ThrowIfNullOrEmpty(tensorName);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (tensorName.EndsWith("token_embd.weight", StringComparison.Ordinal))
        {
            throw new ArgumentException("Adapters of the token embeddings are not supported.", nameof(tensorName));
        }

        if (a.Length != (long)rank * inputLength)
        {
            throw new ArgumentException($"A is rank × input = {rank} × {inputLength} floats, not {a.Length}.", nameof(a));
        }

        if (b.Length != (long)outputLength * rank)
        {
            throw new ArgumentException($"B is output × rank = {outputLength} × {rank} floats, not {b.Length}.", nameof(b));
        }

        TensorName = tensorName;
        InputLength = inputLength;
        OutputLength = outputLength;
        Rank = rank;
        A = a;
        B = b;
    }

    /// <summary>The base model's weight tensor this updates.</summary>
    public string TensorName { get; }

    /// <summary>The input width: the base weight's <c>ne0</c>.</summary>
    public int InputLength { get; }

    /// <summary>The output width: the base weight's <c>ne1</c>.</summary>
    public int OutputLength { get; }

    /// <summary>The rank <c>r</c>.</summary>
    public int Rank { get; }

    /// <summary><c>A</c>: <see cref="Rank"/> × <see cref="InputLength"/>, row-major (ggml <c>ne = [InputLength, Rank]</c>).</summary>
    public float[] A { get; }

    /// <summary><c>B</c>: <see cref="OutputLength"/> × <see cref="Rank"/>, row-major (ggml <c>ne = [Rank, OutputLength]</c>).</summary>
    public float[] B { get; }

    /// <summary>The name of the <c>A</c> tensor in the GGUF file: <c>&lt;tensor&gt;.lora_a</c>.</summary>
    public string ATensorName => TensorName + ".lora_a";

    /// <summary>The name of the <c>B</c> tensor in the GGUF file: <c>&lt;tensor&gt;.lora_b</c>.</summary>
    public string BTensorName => TensorName + ".lora_b";

    /// <summary>Adds <c>factor · B·A</c> to a weight matrix in place.</summary>
    /// <param name="weight">The base weight, <see cref="OutputLength"/> rows of <see cref="InputLength"/> (row-major).</param>
    /// <param name="factor">The factor: <c>scale · alpha / rank</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="weight"/> has the wrong length.</exception>
    public void AddTo(Span<float> weight, float factor)
    {
        if (weight.Length != (long)OutputLength * InputLength)
        {
            throw new ArgumentException($"The weight is {OutputLength} × {InputLength} floats, not {weight.Length}.", nameof(weight));
        }

        // Row o of W gains factor · Σ_r B[o, r] · A[r, :].
        for (var o = 0; o < OutputLength; o++)
        {
            var row = weight.Slice(o * InputLength, InputLength);
            for (var r = 0; r < Rank; r++)
            {
                var coefficient = factor * B[(o * Rank) + r];
                if (coefficient != 0)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(A.AsSpan(r * InputLength, InputLength), coefficient, row, row);
                }
            }
        }
    }
}
