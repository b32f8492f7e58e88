using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Grains.Interfaces.Search;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>The MemScheduler of one space (a user's private space, key <c>{tenant}/{user}</c>, or a shared space, key
/// <c>{tenant}/~{space}</c>; <see cref="MemCubeKeys.SpaceScheduler"/>): reads conversations into MemCubes, keeps the user's retrieval index
/// (rebuilt from storage when the grain activates) and answers searches. Every write to the space's memories goes
/// through it, so its index never misses a change. It enforces the space's access control itself: each method checks its
/// <c>caller</c> (an <see cref="AccessDeniedException"/>, HTTP 403, when the right is missing) and every write, refusal
/// and erasure is recorded in the tenant's audit log (<see cref="IAuditLogGrain"/>).</summary>
public interface IMemSchedulerGrain : IGrainWithStringKey
{
    /// <summary>Reads messages into plaintext MemCubes (at least one per message), stores and indexes them.
    /// All-or-nothing: on any failure nothing from the request stays stored.</summary>
    /// <param name="conversationId">The conversation, or null; with one, a message id already remembered for it is
    /// not stored again.</param>
    /// <param name="messages">1-1,000 valid messages with distinct ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The memories, in message order.</returns>
    /// <exception cref="ArgumentException">A message is invalid or ids repeat.</exception>
    /// <exception cref="MessageConflictException">A remembered message id came with different content.</exception>
    Task<AddMemoriesResponse> AddMessagesAsync(
        string? conversationId, IReadOnlyList<ConversationMessage> messages, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Finds the user's memories for a query by hybrid retrieval (BM25 and dense vectors fused by reciprocal
    /// rank, with speaker, time and neighbour signals), optionally packed into a token budget.</summary>
    /// <param name="query">The validated query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The hits and the tokens they take.</returns>
    /// <exception cref="ArgumentException">The query is invalid.</exception>
    Task<SearchResponse> SearchAsync(MemorySearchQuery query, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Returns one of the user's memories (counted as an access).</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The memory.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    Task<MemoryRecord> GetMemoryAsync(string cubeId, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Returns one of the user's memories as it was at transaction time <paramref name="asOf"/>
    /// (see <see cref="IMemCubeGrain.GetAsOfAsync"/>).</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="asOf">The transaction time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The memory as visible then.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory, it did not exist yet, or it was erased.</exception>
    Task<MemoryRecord> GetMemoryAsOfAsync(string cubeId, DateTimeOffset asOf, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Rolls one of the user's memories back to the content of an earlier version, as a new version, and
    /// re-indexes it (see <see cref="IMemCubeGrain.RollbackAsync"/>).</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="toVersion">The version whose content to restore.</param>
    /// <param name="expectedVersion">The version the caller read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The memory at its new version.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="VersionConflictException">The memory is at another version; nothing was written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toVersion"/> is not an earlier version.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The memory's state does not allow changes.</exception>
    Task<MemoryRecord> RollbackMemoryAsync(string cubeId, long toVersion, long expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Updates one of the user's memories if it is still at <paramref name="expectedVersion"/>, and re-indexes it.</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="update">The fields to change.</param>
    /// <param name="expectedVersion">The version the caller read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The memory at its new version.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="VersionConflictException">The memory is at another version; nothing was written.</exception>
    Task<MemoryRecord> UpdateMemoryAsync(
        string cubeId, MemoryUpdate update, long expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Erases one of the user's memories and removes it from the index.</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="expectedVersion">The version the caller read, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>A task that completes when erased.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="VersionConflictException">The memory is at another version; nothing was erased.</exception>
    Task DeleteMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Archives one of the user's memories to the MemVault (see <see cref="IMemCubeGrain.ArchiveAsync"/>) and
    /// takes it out of the hot index: search no longer finds it; get, history and restore still do.</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="expectedVersion">The version the caller read, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The archived memory.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory (or it expired).</exception>
    /// <exception cref="VersionConflictException">The memory is at another version; nothing changed.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">It is not Activated (the exception names its state).</exception>
    Task<MemoryRecord> ArchiveMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Restores one of the user's archived memories from the MemVault and indexes it again.</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="expectedVersion">The version the caller read, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The memory, active again.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory (or it expired).</exception>
    /// <exception cref="VersionConflictException">The memory is at another version; nothing changed.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">It is not Archived.</exception>
    Task<MemoryRecord> RestoreMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Re-embeds, with the silo's current embedder, every memory of the user whose stored vector came from
    /// another model (or that has none), stores the new vectors with the cubes and puts them in the vector index.</summary>
    /// <param name="cancellationToken">Cancels the call (memories re-embedded so far keep their new vectors).</param>
    /// <param name="caller">Who asks (needs the write right), or null for the silo itself.</param>
    /// <returns>How many memories were re-embedded, and the model they now carry.</returns>
    Task<ReembedResponse> ReembedAsync(CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Returns the version history of one of the user's memories (including erased ones' tombstones).</summary>
    /// <param name="cubeId">The cube id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>Every version, oldest first.</returns>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    Task<MemoryHistory> GetHistoryAsync(string cubeId, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Answers a message with the user's memories: retrieves them (the hybrid search within the chat's token
    /// budget, trimmed to the model's context), renders them as one memory block with the prompt template and generates.
    /// When a Ready activation MemCube holds exactly that block (same memories, same versions), its KV cache is
    /// restored and only the message is prefilled; otherwise the block is prefilled as text. Each use of a block feeds
    /// the promotion policy (<c>MemOS:Activation</c>). The user's Ready parameter MemCubes trained for the silo's model
    /// (LoRA adapters) are applied to this generation with their scales, and then the block is always prefilled; the
    /// answer lists them. Each chat then feeds the migration policy (<c>MemOS:Parameter</c>).</summary>
    /// <param name="query">The validated chat.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The answer, the memories used and their form, and the time to first token.</returns>
    /// <exception cref="ArgumentException">The query is invalid, or the message and <c>maxTokens</c> alone exceed the
    /// model's context.</exception>
    /// <exception cref="MemOSException">The silo has no generation model (an <c>InferenceUnavailableException</c>: HTTP 503).</exception>
    Task<ChatResponse> ChatAsync(ChatQuery query, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Asks for the activation (the KV cache) of the block made of these memories at their current versions:
    /// the request joins the MemScheduler's batching window and goes to a KV-precompute worker with the others.</summary>
    /// <param name="memoryIds">1-100 distinct ids of the user's memories.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The activation MemCube: Pending until a worker has stored its cache, or Ready when it already was.</returns>
    /// <exception cref="ArgumentException">No ids, too many, or repeated; or the block is longer than the model's context.</exception>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="MemOSException">The silo has no generation model (an <c>InferenceUnavailableException</c>: HTTP 503).</exception>
    Task<ActivationRecord> ActivateAsync(IReadOnlyList<string> memoryIds, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Returns the user's activation MemCubes, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The activation MemCubes in every state.</returns>
    Task<IReadOnlyList<ActivationRecord>> GetActivationsAsync(CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Asks for a parameter MemCube: a LoRA adapter of the silo's generation model trained on the texts of these
    /// memories at their current versions. The job goes to the silo's training worker (one training at a time).</summary>
    /// <param name="memoryIds">1 to <c>MemOS:Parameter:MaxMemoriesPerAdapter</c> distinct ids of the user's memories.</param>
    /// <param name="rank">The LoRA rank (1-64), or null for <c>MemOS:Parameter:Rank</c>.</param>
    /// <param name="steps">The optimizer steps (1-10000), or null for <c>MemOS:Parameter:Steps</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The parameter MemCube: Pending (or Training) until its adapter is written, Ready when it already was.</returns>
    /// <exception cref="ArgumentException">No ids, too many, or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rank or the steps are out of range.</exception>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="MemOSException">The silo has no generation model (an <c>InferenceUnavailableException</c>: HTTP 503).</exception>
    Task<ParameterRecord> ParameterizeAsync(IReadOnlyList<string> memoryIds, int? rank, int? steps, CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Returns the user's parameter MemCubes, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="caller">Who asks (checked against the space's rights: read for reads, write for writes), or null for the silo itself.</param>
    /// <returns>The parameter MemCubes in every state.</returns>
    Task<IReadOnlyList<ParameterRecord>> GetParametersAsync(CancellationToken cancellationToken = default, Caller? caller = null);

    /// <summary>Erases memories of the space: every MemCube (any state: payload, every version's text, vectors, lexical
    /// index entries, MemVault copy) and with them the KV caches and LoRA adapters derived from them; optionally only the
    /// cubes one principal wrote (erasure of a user whose memories are also in shared spaces).</summary>
    /// <param name="ownerId">Erase only the cubes whose owner is this principal, or null for all of the space.</param>
    /// <param name="cancellationToken">Cancels the call (what was erased stays erased; a retry continues).</param>
    /// <param name="caller">Who asks (needs the admin right on the space), or null for the silo itself.</param>
    /// <returns>What was erased.</returns>
    /// <exception cref="AccessDeniedException">The caller lacks the admin right.</exception>
    Task<ErasureReport> EraseAsync(string? ownerId, CancellationToken cancellationToken = default, Caller? caller = null);
}
