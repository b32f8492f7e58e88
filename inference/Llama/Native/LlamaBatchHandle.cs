using System.Runtime.InteropServices;

namespace MemOS.Inference.Llama.Native;

/// <summary>Owns the arrays of a <see cref="LlamaNativeBatch"/> made by <c>llama_batch_init</c>; freed with
/// <c>llama_batch_free</c>.</summary>
internal sealed unsafe class LlamaBatchHandle : SafeHandle
{
    private LlamaNativeBatch _batch;

    /// <summary>Allocates a batch.</summary>
    /// <param name="capacity">Most tokens, at least 1.</param>
    /// <param name="maxSequencesPerToken">Most sequences one token may belong to, at least 1.</param>
    public LlamaBatchHandle(int capacity, int maxSequencesPerToken)
        : base(nint.Zero, ownsHandle: true)
    {
        _batch = LlamaNative.llama_batch_init(capacity, 0, maxSequencesPerToken);
        SetHandle((nint)_batch.Token);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>The native struct (its arrays stay valid until the handle is released).</summary>
    public ref LlamaNativeBatch Batch => ref _batch;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_batch_free(_batch);
        return true;
    }
}
