namespace MemOS.Runtime;

/// <summary>A grain's durable state with optimistic concurrency: each successful write returns a new ETag,
/// and a write or clear based on a stale ETag fails with <see cref="InconsistentStateException"/>
/// without changing what is stored.</summary>
/// <typeparam name="TState">The state type: serialized as JSON; a new instance stands for "no record".</typeparam>
public interface IPersistentState<TState>
    where TState : class, new()
{
    /// <summary>The in-memory state. Changes are durable only after <see cref="WriteStateAsync"/>.</summary>
    TState State { get; set; }

    /// <summary>The ETag of the stored record this state was read or written as; <see langword="null"/> when
    /// no record exists.</summary>
    string? Etag { get; }

    /// <summary><see langword="true"/> when a stored record exists.</summary>
    bool RecordExists { get; }

    /// <summary>Replaces <see cref="State"/> and <see cref="Etag"/> with what storage holds
    /// (a new <typeparamref name="TState"/> when nothing is stored).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when the state is loaded.</returns>
    /// <exception cref="MemOSException">The storage provider failed.</exception>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <see cref="State"/> if storage still holds <see cref="Etag"/>, then updates the ETag.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the write is durable.</returns>
    /// <exception cref="InconsistentStateException">The stored ETag differs; nothing was written.</exception>
    /// <exception cref="MemOSException">The storage provider failed.</exception>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the stored record if storage still holds <see cref="Etag"/>, and resets
    /// <see cref="State"/> to a new instance.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the record is gone.</returns>
    /// <exception cref="InconsistentStateException">The stored ETag differs; nothing was deleted.</exception>
    /// <exception cref="MemOSException">The storage provider failed.</exception>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
