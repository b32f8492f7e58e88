using System.Runtime.InteropServices;

namespace MemOS.Inference.Llama.Native;

/// <summary>llama.cpp's <c>struct llama_batch</c>: parallel arrays of <see cref="TokenCount"/> entries, allocated
/// by <c>llama_batch_init</c> and freed by <c>llama_batch_free</c>. 56 bytes on x64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaNativeBatch
{
    /// <summary><c>int32_t n_tokens</c>: entries in use.</summary>
    public int TokenCount;

    /// <summary><c>llama_token * token</c>: token ids.</summary>
    public int* Token;

    /// <summary><c>float * embd</c>: input embeddings (NULL when tokens are given).</summary>
    public float* Embedding;

    /// <summary><c>llama_pos * pos</c>: the position of each token in its sequence.</summary>
    public int* Position;

    /// <summary><c>int32_t * n_seq_id</c>: how many sequences each token belongs to.</summary>
    public int* SequenceIdCount;

    /// <summary><c>llama_seq_id ** seq_id</c>: the sequences of each token.</summary>
    public int** SequenceId;

    /// <summary><c>int8_t * logits</c>: non-zero where the token's logits or embedding are output.</summary>
    public sbyte* Output;
}
