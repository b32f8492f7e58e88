using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>The MemScheduler of one user: reads conversations into MemCubes, keeps the user's retrieval index
/// (rebuilt from storage when the grain activates) and answers searches. Every write to the user's memories goes
/// through it, so its index never misses a change. Key: <see cref="MemCubeKeys.Scheduler"/> (<c>{tenant}/{user}</c>).</summary>
public interface IMemSchedulerGrain : IGrainWithStringKey
{
    /// <summary>Reads messages into plaintext MemCubes (at least one per message), stores and indexes them.
    /// All-or-nothing: on any failure nothing from the request stays stored.</summary>
    /// <param name="conversationId">The conversation, or null; with one, a message id already remembered for it is
    /// not stored again.</param>
    /// <param name="messages">1-1,000 valid messages with distinct ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memories, in message order.</returns>
    /// <exception cref="ArgumentException">A message is invalid or ids repeat.</exception>
    /// <exception cref="MessageConflictException">A remembered message id came with different content.</exception>
    Task<AddMemoriesResponse> AddMessagesAsync(
        string? conversationId, IReadOnlyList<ConversationMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Finds the user's memories for a query by hybrid retrieval (BM25 and dense vectors fused by reciprocal
    /// rank, with speaker, time and neighbour signals), optionally packed into a token budget.</summary>
    /// <param name="query">The validated query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The hits and the tokens they take.</returns>
    /// <exception cref="ArgumentException">The query is invalid.</exception>
    Task<SearchResponse> SearchAsync(MemorySearchQuery query, CancellationToken cancellationToken = default);

    /// <summary>Returns one of the user's memories (counted as an access).</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    Task<MemoryRecord> GetMemoryAsync(string cubeId, CancellationToken cancellationToken = default);

    /// <summary>Updates one of the user's memories if it is still at <paramref name="expectedVersion"/>, and re-indexes it.</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="update">The fields to change.</param>
    /// <param name="expectedVersion">The version the caller read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory at its new version.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="VersionConflictException">The memory is at another version; nothing was written.</exception>
    Task<MemoryRecord> UpdateMemoryAsync(
        string cubeId, MemoryUpdate update, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Erases one of the user's memories and removes it from the index.</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="expectedVersion">The version the caller read, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when erased.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="VersionConflictException">The memory is at another version; nothing was erased.</exception>
    Task DeleteMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Re-embeds, with the silo's current embedder, every memory of the user whose stored vector came from
    /// another model (or that has none), stores the new vectors with the cubes and puts them in the vector index.</summary>
    /// <param name="cancellationToken">Cancels the call (memories re-embedded so far keep their new vectors).</param>
    /// <returns>How many memories were re-embedded, and the model they now carry.</returns>
    Task<ReembedResponse> ReembedAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the version history of one of the user's memories (including erased ones' tombstones).</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every version, oldest first.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    Task<MemoryHistory> GetHistoryAsync(string cubeId, CancellationToken cancellationToken = default);
}
