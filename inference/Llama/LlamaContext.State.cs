using System.Buffers;
using System.Buffers.Binary;
using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

/// <summary>Saving and restoring the state (KV cells) of one sequence.</summary>
/// <remarks>
/// A sequence state is llama.cpp's own byte format (<c>llama_state_seq_get_data</c>): a magic number
/// (<c>0xaf143cd8</c>), the source sequence id, the number of KV streams, then per stream the number of cells and, when
/// not 0, each cell's position and each layer's K and V rows of those cells (for a model with <c>n_layer</c> layers and
/// an F16 cache about <c>2 · n_layer · n_embd_kv · 2</c> bytes per token). llama.cpp restores a state only into a
/// context with the same number of streams; this type always hands out the one-stream form, which is what a context with
/// one sequence or a unified cache writes: a context with a stream per sequence (<see cref="KvStreams"/> &gt; 1) drops
/// the empty streams' zero counts when saving and puts them back when restoring. So a state moves between any contexts
/// of the same model with the same K/V cache types and the same flash-attention choice (it stores V transposed or not).
/// The restored cells keep their positions, so the sequence continues at the position after its last saved token. The
/// format is not stable across llama.cpp versions: store it beside the model hash and library version it was made with.
/// </remarks>
public sealed partial class LlamaContext
{
    private const uint StateMagic = 0xaf143cd8;
    private const int StateHeaderBytes = 12; // magic, source sequence id, stream count

    /// <summary>The exact size of a sequence's state as <see cref="SaveSequenceState(int, Span{byte})"/> writes it (the
    /// one-stream form).</summary>
    /// <param name="sequenceId">The sequence, in [0, <see cref="MaxSequences"/>).</param>
    /// <returns>The size in bytes (a few bytes of header for an empty sequence).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> is not a sequence of this context.</exception>
    /// <exception cref="LlamaException">llama.cpp could not measure it.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public long GetSequenceStateSize(int sequenceId)
    {
        CheckSequence(sequenceId);
        using var lease = new HandleLease(_handle);
        LlamaLog.ClearLastError();
        var size = LlamaNative.llama_state_seq_get_size(_handle, sequenceId);
        if (size == 0)
        {
            throw new LlamaException($"llama.cpp could not measure the state of sequence {sequenceId}{LlamaLog.LastErrorSuffix()}");
        }

        return (long)size - (4L * (KvStreams - 1));
    }

    /// <summary>Copies a sequence's state (its KV cells) into a buffer.</summary>
    /// <param name="sequenceId">The sequence, in [0, <see cref="MaxSequences"/>).</param>
    /// <param name="destination">At least <see cref="GetSequenceStateSize"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> is not a sequence of this context.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    /// <exception cref="LlamaException">llama.cpp could not copy it.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public int SaveSequenceState(int sequenceId, Span<byte> destination)
    {
        var size = GetSequenceStateSize(sequenceId);
        if (destination.Length < size)
        {
            throw new ArgumentException(
                $"The state of sequence {sequenceId} takes {size} bytes; the destination holds {destination.Length}.", nameof(destination));
        }

        var nativeSize = (int)size + (4 * (KvStreams - 1));
        if (KvStreams == 1)
        {
            return SaveNative(sequenceId, destination);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(nativeSize);
        try
        {
            var written = SaveNative(sequenceId, buffer.AsSpan(0, nativeSize));
            return ToOneStream(buffer.AsSpan(0, written), sequenceId, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies a sequence's state (its KV cells) into a new array.</summary>
    /// <param name="sequenceId">The sequence, in [0, <see cref="MaxSequences"/>).</param>
    /// <returns>The state, <see cref="GetSequenceStateSize"/> bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> is not a sequence of this context.</exception>
    /// <exception cref="LlamaException">llama.cpp could not copy it, or it exceeds 2 GB.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public byte[] SaveSequenceState(int sequenceId)
    {
        var size = GetSequenceStateSize(sequenceId);
        if (size > Array.MaxLength)
        {
            throw new LlamaException($"The state of sequence {sequenceId} takes {size} bytes, more than an array holds.");
        }

        var state = GC.AllocateUninitializedArray<byte>((int)size);
        var written = SaveSequenceState(sequenceId, state);
        return written == state.Length ? state : state[..written];
    }

    /// <summary>Replaces a sequence's memory with a state saved by <see cref="SaveSequenceState(int)"/> (from this
    /// context or another one of the same model and cache layout; see the remarks of this type).</summary>
    /// <param name="sequenceId">The destination sequence, in [0, <see cref="MaxSequences"/>); it may differ from the
    /// sequence the state was saved from.</param>
    /// <param name="state">The saved state.</param>
    /// <returns>The sequence's next position: the position after its last restored token (0 for an empty state).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> is not a sequence of this context.</exception>
    /// <exception cref="ArgumentException"><paramref name="state"/> is not a one-stream sequence state.</exception>
    /// <exception cref="LlamaException">llama.cpp refused it (another model, cache type or flash-attention choice,
    /// truncated data, or no room in this context); the sequence is then left empty. The message gives llama.cpp's
    /// reason.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public int RestoreSequenceState(int sequenceId, ReadOnlySpan<byte> state)
    {
        CheckSequence(sequenceId);
        if (state.Length < StateHeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(state) != StateMagic)
        {
            throw new ArgumentException("The data is not a llama.cpp sequence state (too short or wrong magic number).", nameof(state));
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(state[8..]) != 1)
        {
            throw new ArgumentException(
                "The state holds several KV streams: it was not saved by SaveSequenceState, which writes the one-stream form.", nameof(state));
        }

        // An empty state restores nothing, so llama.cpp would leave the sequence as it is: empty it first.
        RemoveTokens(sequenceId);
        if (KvStreams == 1)
        {
            return RestoreNative(sequenceId, state);
        }

        // llama.cpp wants every stream's cell count: zeros around the destination's own stream (stream i is sequence i).
        var nativeSize = state.Length + (4 * (KvStreams - 1));
        var buffer = ArrayPool<byte>.Shared.Rent(nativeSize);
        try
        {
            var native = buffer.AsSpan(0, nativeSize);
            native.Clear();
            state[..8].CopyTo(native);
            BinaryPrimitives.WriteUInt32LittleEndian(native[8..], (uint)KvStreams);
            state[StateHeaderBytes..].CopyTo(native[(StateHeaderBytes + (4 * sequenceId))..]);
            return RestoreNative(sequenceId, native);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private unsafe int SaveNative(int sequenceId, Span<byte> destination)
    {
        using var lease = new HandleLease(_handle);
        LlamaLog.ClearLastError();
        nuint written;
        fixed (byte* pointer = destination)
        {
            written = LlamaNative.llama_state_seq_get_data(_handle, pointer, (nuint)destination.Length, sequenceId);
        }

        if (written == 0)
        {
            throw new LlamaException($"llama.cpp could not copy the state of sequence {sequenceId}{LlamaLog.LastErrorSuffix()}");
        }

        return (int)written;
    }

    private unsafe int RestoreNative(int sequenceId, ReadOnlySpan<byte> state)
    {
        using var lease = new HandleLease(_handle);
        LlamaLog.ClearLastError();
        nuint read;
        fixed (byte* pointer = state)
        {
            read = LlamaNative.llama_state_seq_set_data(_handle, pointer, (nuint)state.Length, sequenceId);
        }

        if (read == 0)
        {
            throw new LlamaException(
                $"llama.cpp could not restore a state of {state.Length} bytes into sequence {sequenceId}{LlamaLog.LastErrorSuffix()}");
        }

        return GetMaxPosition(sequenceId) + 1;
    }

    // The cells of sequence i sit in stream i, every other stream is an empty count of 0: keep only stream i.
    private int ToOneStream(ReadOnlySpan<byte> native, int sequenceId, Span<byte> destination)
    {
        var before = StateHeaderBytes + (4 * sequenceId);
        var after = 4 * (KvStreams - 1 - sequenceId);
        if (native.Length < before + 4 + after || native[StateHeaderBytes..before].ContainsAnyExcept((byte)0)
            || native[^after..].ContainsAnyExcept((byte)0))
        {
            throw new LlamaException($"The state llama.cpp saved for sequence {sequenceId} holds cells of other streams.");
        }

        var length = native.Length - (4 * (KvStreams - 1));
        native[..8].CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], 1);
        native[before..^after].CopyTo(destination[StateHeaderBytes..]);
        return length;
    }

    /// <summary>Copies a sequence's memory into another sequence of this context (llama.cpp shares the cells, so it
    /// costs no compute).</summary>
    /// <param name="sourceSequenceId">The sequence copied.</param>
    /// <param name="destinationSequenceId">The sequence that receives its cells (what it held is kept: empty it first
    /// with <see cref="RemoveTokens"/> to replace it).</param>
    /// <exception cref="ArgumentOutOfRangeException">A sequence id is not a sequence of this context.</exception>
    /// <exception cref="InvalidOperationException">The context has a KV stream per sequence (llama.cpp then copies
    /// only whole streams, and only between empty ones): use a unified cache.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public void CopySequence(int sourceSequenceId, int destinationSequenceId)
    {
        CheckSequence(sourceSequenceId);
        CheckSequence(destinationSequenceId);
        if (KvStreams > 1)
        {
            throw new InvalidOperationException(
                $"Copying sequences needs a unified KV cache ({nameof(LlamaContextOptions.UnifiedKvCache)}); this context has {KvStreams} streams.");
        }

        using var lease = new HandleLease(_handle);
        var memory = LlamaNative.llama_get_memory(_handle);
        if (memory != nint.Zero && sourceSequenceId != destinationSequenceId)
        {
            LlamaNative.llama_memory_seq_cp(memory, sourceSequenceId, destinationSequenceId, -1, -1);
        }
    }

    // llama.cpp asserts (aborting the process) on a sequence id out of range in most of these calls.
    private void CheckSequence(int sequenceId, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceId, name ?? nameof(sequenceId));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sequenceId, MaxSequences, name ?? nameof(sequenceId));
    }
}
