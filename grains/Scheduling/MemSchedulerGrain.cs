using System.Diagnostics;
using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Memories;
using MemOS.Grains.Parameters;
using MemOS.Grains.Reader;
using MemOS.Grains.Retrieval;
using MemOS.Grains.Retrieval.Vectors;
using MemOS.Grains.Telemetry;
using MemOS.Inference.Embeddings;
using MemOS.Inference.Generation;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemOS.Grains.Scheduling;

/// <summary>The MemScheduler of one user (see <see cref="IMemSchedulerGrain"/>). Holds a BM25 index and a vector
/// index over the user's activated MemCubes in memory, rebuilt from storage on activation (vectors are stored with
/// the cubes, so activation does not re-embed), serves hybrid search (<c>MemSchedulerGrain.Search.cs</c>), and
/// batches the access counts of search hits to the cubes on a timer.</summary>
[GrainType(GrainTypeName)]
public sealed partial class MemSchedulerGrain : Grain, IMemSchedulerGrain
{
    /// <summary>The grain type name.</summary>
    public const string GrainTypeName = "memscheduler";

    /// <summary>The most messages one add may carry.</summary>
    public const int MaxMessagesPerAdd = 1_000;

    /// <summary>The longest message id, speaker or conversation id, in characters.</summary>
    public const int MaxIdLength = 128;

    private readonly IGrainStateQuery _stateQuery;
    private readonly IMemReader _reader;
    private readonly IEmbedder _embedder;
    private readonly MemSchedulerOptions _options;
    private readonly ILogger<MemSchedulerGrain> _logger;
    private readonly SchedulerMetrics _metrics;
    private readonly IGenerationEngine _engine;
    private readonly ActivationOptions _activationOptions;
    private readonly ParameterOptions _parameterOptions;
    private readonly InferenceMetrics _inferenceMetrics;
    private readonly Bm25Index _lexical = new();
    private readonly ExactVectorIndex _vectors;
    private readonly Dictionary<string, List<string>> _conversationOrder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _speakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _entityMemoryCounts = new(StringComparer.OrdinalIgnoreCase);
    private string? _lastCubeId;
    private int _vectorChanges;
    private int _vectorsAtCommonComponent = -1;
    private readonly Dictionary<string, long> _accessCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IndexedMemory> _memories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tombstones = new(StringComparer.Ordinal);
    private readonly LifecycleOptions _lifecycle;
    private readonly Dictionary<(string ConversationId, string MessageId), string> _messages = [];
    private readonly Dictionary<string, (int Count, DateTimeOffset Last)> _pendingAccess = new(StringComparer.Ordinal);
    private string _tenantId = "";
    private string _userId = "";
    private string _spaceKey = "";
    private IDisposable? _accessTimer;

    /// <summary>Creates the grain.</summary>
    /// <param name="stateQuery">Scans stored cubes to rebuild the index.</param>
    /// <param name="reader">The MemReader turning messages into drafts.</param>
    /// <param name="embedder">The embedder of memory texts and queries.</param>
    /// <param name="options">Scheduler settings.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The silo's scheduler instruments.</param>
    /// <param name="engine">The silo's generation engine (chat and activation memory; it may be unavailable).</param>
    /// <param name="activationOptions">The activation-memory policy and batching window.</param>
    /// <param name="inferenceMetrics">The silo's activation-memory instruments.</param>
    /// <param name="lifecycleOptions">Time to live, purge and archival settings.</param>
    /// <param name="parameterOptions">The parameter-memory policy and training settings.</param>
    /// <exception cref="ArgumentOutOfRangeException">A lifecycle setting is out of range.</exception>
    public MemSchedulerGrain(
        IGrainStateQuery stateQuery,
        IMemReader reader,
        IEmbedder embedder,
        IOptions<MemSchedulerOptions> options,
        ILogger<MemSchedulerGrain> logger,
        SchedulerMetrics metrics,
        IGenerationEngine engine,
        IOptions<ActivationOptions> activationOptions,
        InferenceMetrics inferenceMetrics,
        IOptions<LifecycleOptions> lifecycleOptions,
        IOptions<ParameterOptions> parameterOptions)
    {
        _parameterOptions = parameterOptions.Value;
        _lifecycle = lifecycleOptions.Value;
        _lifecycle.Validate();
        _metrics = metrics;
        _engine = engine;
        _activationOptions = activationOptions.Value;
        _inferenceMetrics = inferenceMetrics;
        _stateQuery = stateQuery;
        _reader = reader;
        _embedder = embedder;
        _options = options.Value;
        _logger = logger;
        _vectors = new ExactVectorIndex(embedder.ModelId, embedder.Dimension, _options.RemoveCommonComponent);
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        _tenantId = key[..slash];
        _userId = key[(slash + 1)..];
        if (_userId.StartsWith(MemCubeKeys.SharedSchedulerMarker))
        {
            // A shared space: its name owns what the silo itself writes there; callers' writes carry the caller.
            _userId = _userId[1..];
            _spaceKey = MemCubeKeys.SharedSpace(_userId);
        }
        else
        {
            _spaceKey = MemCubeKeys.PrivateSpace(_userId);
        }

        var started = Stopwatch.GetTimestamp();
        var unactivated = new List<string>();
        var stored = new List<MemCubeState>();
        var merged = new List<MemCubeState>();
        var prefix = MemCubeKeys.SpacePrefix(_tenantId, _spaceKey);
        await foreach (var row in _stateQuery.ScanAsync<MemCubeState>(
                           MemCubeGrain.GrainTypeName, MemCubeGrain.StateName, prefix, cancellationToken))
        {
            var state = row.State;
            if (_lastCubeId is null || string.CompareOrdinal(state.Id, _lastCubeId) > 0)
            {
                _lastCubeId = state.Id;
            }

            switch (state.State)
            {
                case MemCubeLifecycle.Activated:
                    stored.Add(state);
                    break;
                case MemCubeLifecycle.Generated:
                    unactivated.Add(state.Id);
                    break;
                case MemCubeLifecycle.Archived:
                    RegisterArchived(state.ToRecord());
                    break;
                case MemCubeLifecycle.Expired:
                    _expired[state.Id] = state.UpdatedAt;
                    _tombstones.Add(state.Id);
                    break;
                case MemCubeLifecycle.Merged:
                    merged.Add(state);
                    _tombstones.Add(state.Id);
                    break;
                default:
                    _tombstones.Add(state.Id);
                    break;
            }
        }

        // Cube ids sort by creation (monotonic ULIDs), which keeps each conversation's memories in message order.
        foreach (var state in stored.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var record = state.ToRecord();
            Index(record, state.Embedding);
            RegisterFact(record);
        }

        // A fused duplicate's source messages answer with its survivor.
        foreach (var state in merged.Where(m => m.MergedInto is { } survivor && _memories.ContainsKey(survivor)))
        {
            PointMessagesAt(state.Provenance ?? new MemoryProvenance(null, [], null, null, new MemoryProducer("unknown", "0"), []), state.MergedInto!);
        }

        // A cube left Generated means an add stopped between creating and activating it (a crash). Its message
        // reached us, and a client retrying the add is answered from the message index, so admit it now.
        foreach (var id in unactivated.Order(StringComparer.Ordinal))
        {
            var cube = Cube(id);
            var record = await cube.ActivateAsync(cancellationToken);
            Index(record, await cube.GetEmbeddingAsync(cancellationToken));
        }

        RefreshCommonComponent();
        await LoadActivationsAsync(cancellationToken);
        await LoadParametersAsync(cancellationToken);

        // Timers do not outlive an activation, so what fell due while the scheduler was inactive is swept now.
        if (NeedsSweep())
        {
            await SweepAsync(cancellationToken);
            if (NeedsSweep())
            {
                StartSweep();
            }
        }

        if (_memories.Count > _vectors.Count)
        {
            LogStaleVectors(_logger, _memories.Count - _vectors.Count, _embedder.ModelId);
        }

        LogIndexRebuilt(_logger, _memories.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _accessTimer?.Dispose();
        _policyTimer?.Dispose();
        _sweepTimer?.Dispose();
        await FlushPrecomputeAsync(cancellationToken);
        await FlushAccessAsync(cancellationToken);
    }

    private async Task<AddMemoriesResponse> AddMessagesCoreAsync(
        string? conversationId, IReadOnlyList<ConversationMessage> messages, CancellationToken cancellationToken = default)
    {
        ValidateMessages(conversationId, messages);
        using var activity = SchedulerMetrics.ActivitySource.StartActivity("memscheduler.add");
        activity?.SetTag("memos.messages", messages.Count);
        var results = new AddedMemory?[messages.Count];
        var fresh = new List<ConversationMessage>();
        var freshIndex = new List<int>();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (conversationId is not null && _messages.TryGetValue((conversationId, message.Id), out var existingId))
            {
                if (_archived.TryGetValue(existingId, out var archived))
                {
                    // Its text is in the MemVault: the source digest still tells a repeat from a different message.
                    if (archived.Provenance.SourceDigest is { } archivedDigest
                        && archivedDigest != PlaintextMemReader.SourceDigest(message.Speaker, message.Text))
                    {
                        throw new MessageConflictException(conversationId, message.Id, existingId);
                    }

                    results[i] = new AddedMemory(archived, Created: false);
                    continue;
                }

                var existing = _memories[existingId].Record;

                // A message of a near-duplicate fused into this memory is compared with that duplicate's source.
                var provenance = existing.FusedFrom?.FirstOrDefault(f => f.Provenance.ConversationId == conversationId
                    && f.Provenance.MessageIds.Contains(message.Id))?.Provenance ?? existing.Provenance;
                var same = provenance.SourceDigest is { } digest
                    ? digest == PlaintextMemReader.SourceDigest(message.Speaker, message.Text)
                    : existing.Text == message.Text.Trim() && provenance.Speaker == message.Speaker;
                if (!same)
                {
                    throw new MessageConflictException(conversationId, message.Id, existingId);
                }

                results[i] = new AddedMemory(existing, Created: false);
                continue;
            }

            fresh.Add(message);
            freshIndex.Add(i);
        }

        var now = TimeProvider.GetUtcNow();
        var drafts = _reader.Read(_writer ?? _userId, conversationId, fresh, now);
        var vectors = drafts.Count == 0 ? [] : await _embedder.EmbedAsync(drafts.Select(d => d.Draft.Text).ToList(), cancellationToken);
        var expiresAt = _lifecycle.DefaultTimeToLive is { } timeToLive ? now + timeToLive : (DateTimeOffset?)null;
        var embedded = drafts.Select((d, j) => d.Draft with { Embedding = new MemoryEmbedding(_embedder.ModelId, vectors[j]), ExpiresAt = expiresAt }).ToList();
        if (_options.SessionDigestMaxSentences > 0
            && SessionDigest.Build(embedded, _options.SessionDigestMinMessages, _options.SessionDigestMaxSentences) is { } sessionDigest)
        {
            var digestVector = (await _embedder.EmbedAsync([sessionDigest.Text], cancellationToken))[0];
            embedded.Add(sessionDigest with { Embedding = new MemoryEmbedding(_embedder.ModelId, digestVector) });
        }

        var created = await CreateAllAsync(embedded, now, cancellationToken);
        for (var j = 0; j < drafts.Count; j++)
        {
            var record = created[j];
            Index(record, embedded[j].Embedding);
            var messageIndex = freshIndex[drafts[j].MessageIndex];
            // A reader may build several memories from one message; the answer lists the first.
            results[messageIndex] ??= new AddedMemory(record, Created: true);
        }

        for (var j = drafts.Count; j < created.Count; j++)
        {
            Index(created[j], embedded[j].Embedding);
        }

        var fused = await FuseAsync(created, embedded, cancellationToken);
        await CloseUpdatedFactsAsync([.. created.Where(r => !fused.ContainsKey(r.Id))], cancellationToken);
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is { Created: true } added && fused.TryGetValue(added.Memory.Id, out var survivor))
            {
                results[i] = new AddedMemory(survivor, Created: false);
            }
        }

        LogAdded(_logger, created.Count, messages.Count);
        _metrics.RecordAdd(messages.Count, created.Count);
        activity?.SetTag("memos.memories.created", created.Count);
        return new AddMemoriesResponse(results.Select(r => r!).ToList());
    }

    private Task<MemoryRecord> GetMemoryCoreAsync(string cubeId, CancellationToken cancellationToken = default)
        => Cube(RequireKnown(cubeId, includeTombstones: false)).GetAsync(cancellationToken);

    private Task<MemoryRecord> GetMemoryAsOfCoreAsync(string cubeId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => Cube(RequireKnown(cubeId, includeTombstones: false)).GetAsOfAsync(asOf, cancellationToken);

    private async Task<MemoryRecord> RollbackMemoryCoreAsync(
        string cubeId, long toVersion, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var known = RequireIndexed(cubeId);
        var cube = Cube(cubeId);

        // The restored text's vector is computed before the write, as an update's is; a version's text never changes
        // afterwards (only erasure empties it, and then the rollback fails on the cube), so reading it first is safe.
        var history = await cube.GetHistoryAsync(cancellationToken);
        var target = history.Versions.LastOrDefault(v => v.Version == toVersion);
        MemoryEmbedding? embedding = null;
        if (target is not null && target.Text.Length > 0 && target.Text != known.Record.Text)
        {
            var vectors = await _embedder.EmbedAsync([target.Text], cancellationToken);
            embedding = new MemoryEmbedding(_embedder.ModelId, vectors[0]);
        }

        var record = await cube.RollbackAsync(toVersion, expectedVersion, embedding, cancellationToken);
        Index(record, embedding);
        await InvalidateActivationsAsync(cubeId, record.Version, cancellationToken);
        return record;
    }

    private async Task<MemoryRecord> UpdateMemoryCoreAsync(
        string cubeId, MemoryUpdate update, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var known = RequireIndexed(cubeId);
        MemoryEmbedding? embedding = null;
        if (update.Text is { } text && text != known.Record.Text)
        {
            var vectors = await _embedder.EmbedAsync([text], cancellationToken);
            embedding = new MemoryEmbedding(_embedder.ModelId, vectors[0]);
        }

        var record = await Cube(cubeId).UpdateAsync(update, expectedVersion, embedding, cancellationToken);
        Index(record, embedding);
        await InvalidateActivationsAsync(cubeId, record.Version, cancellationToken);
        return record;
    }

    private async Task DeleteMemoryCoreAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        var fusedFrom = _memories.TryGetValue(RequireKnown(cubeId, includeTombstones: false), out var known) ? known.Record.FusedFrom ?? [] : [];
        await Cube(cubeId).DeleteAsync(expectedVersion, cancellationToken);

        // The near-duplicates fused into it hold (almost) the same text: erasure takes them too.
        foreach (var source in fusedFrom)
        {
            try
            {
                await Cube(source.CubeId).DeleteAsync(null, cancellationToken);
            }
            catch (MemoryNotFoundException)
            {
                // Already erased.
            }
        }

        Unindex(cubeId);
        ForgetArchived(cubeId);
        _tombstones.Add(cubeId);
        await InvalidateActivationsAsync(cubeId, null, cancellationToken);
    }

    private Task<MemoryHistory> GetHistoryCoreAsync(string cubeId, CancellationToken cancellationToken = default)
        => Cube(RequireKnown(cubeId, includeTombstones: true)).GetHistoryAsync(cancellationToken);

    private async Task<List<MemoryRecord>> CreateAllAsync(
        IReadOnlyList<MemCubeDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = CubeIds.NewSequence(now, drafts.Count, _lastCubeId);
        if (ids.Count > 0)
        {
            _lastCubeId = ids[^1];
        }

        var grains = ids.Select(Cube).ToArray();
        var records = new MemoryRecord?[drafts.Count];
        var createdFlags = new bool[drafts.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, _options.WriteConcurrency));
        var tasks = drafts.Select(async (draft, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await grains[i].CreateAsync(draft, cancellationToken);
                createdFlags[i] = true;
                records[i] = await grains[i].ActivateAsync(cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();

        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception failure)
        {
            // All-or-nothing: erase what this add already stored before reporting the failure.
            LogAddRolledBack(_logger, failure, createdFlags.Count(f => f));
            for (var i = 0; i < grains.Length; i++)
            {
                if (!createdFlags[i])
                {
                    continue;
                }

                try
                {
                    await grains[i].DeleteAsync(null, CancellationToken.None);
                }
                catch (Exception cleanup)
                {
                    LogRollbackFailed(_logger, cleanup, GetPrimaryKeyString());
                }
            }

            throw;
        }

        return records.Select(r => r!).ToList();
    }

    private void Index(MemoryRecord record, MemoryEmbedding? embedding)
    {
        var isNew = !_memories.TryGetValue(record.Id, out var previous);
        var entry = IndexedMemory.Of(record);
        _memories[record.Id] = entry;
        TrackLifecycle(record);
        TrackFusionBucket(previous?.Record, record);
        CountEntities(previous?.Record, -1);
        CountEntities(record, +1);
        _accessCounts[record.Id] = Math.Max(_accessCounts.GetValueOrDefault(record.Id), record.Access.Count);
        if (record.Access.LastAccessAt is { } lastAccess && (!_lastAccess.TryGetValue(record.Id, out var known) || known < lastAccess))
        {
            _lastAccess[record.Id] = lastAccess;
        }
        var terms = TextAnalyzer.English.Analyze(record.Provenance.Speaker is { } speaker ? speaker + " " + record.Text : record.Text);
        if (_lexical.Contains(record.Id))
        {
            _lexical.Replace(record.Id, terms);
        }
        else
        {
            _lexical.Add(record.Id, terms);
        }

        // A vector of another model (or none) leaves the memory findable by words only until the space is re-embedded;
        // no embedding on an existing memory means its text did not change, so its vector stays.
        if (embedding is not null && embedding.ModelId == _vectors.ModelId && embedding.Vector.Length == _vectors.Dimension)
        {
            _vectors.Upsert(record.Id, embedding.Vector, embedding.ModelId);
            _vectorChanges++;
        }
        else if (embedding is not null)
        {
            _vectorChanges += _vectors.Remove(record.Id) ? 1 : 0;
        }

        if (record.Provenance.Speaker is { Length: > 0 } name)
        {
            _speakers.TryAdd(name, name);
        }

        if (record.Provenance.ConversationId is { } conversation)
        {
            foreach (var messageId in record.Provenance.MessageIds)
            {
                _messages.TryAdd((conversation, messageId), record.Id);
            }

            if (isNew)
            {
                if (!_conversationOrder.TryGetValue(conversation, out var order))
                {
                    _conversationOrder[conversation] = order = [];
                }

                order.Add(record.Id);
            }
        }
    }

    /// <summary>Takes a memory out of the indexes; <paramref name="keepMessages"/> keeps its source messages pointing at
    /// it (an archived memory still answers a repeated add).</summary>
    private void Unindex(string cubeId, bool keepMessages = false)
    {
        if (!_memories.Remove(cubeId, out var entry))
        {
            return;
        }

        CountEntities(entry.Record, -1);
        _lexical.Remove(cubeId);
        _vectorChanges += _vectors.Remove(cubeId) ? 1 : 0;
        _accessCounts.Remove(cubeId);
        _lastAccess.Remove(cubeId);
        _expiring.Remove(cubeId);
        TrackFusionBucket(entry.Record, null);
        if (entry.Record.Provenance.ConversationId is { } conversation)
        {
            if (_conversationOrder.TryGetValue(conversation, out var order))
            {
                order.Remove(cubeId);
            }

            foreach (var messageId in keepMessages ? [] : entry.Record.Provenance.MessageIds)
            {
                if (_messages.TryGetValue((conversation, messageId), out var owner) && owner == cubeId)
                {
                    _messages.Remove((conversation, messageId));
                }
            }
        }
    }

    /// <summary>Keeps how many memories mention each entity (speakers aside: they have their own boost).</summary>
    private void CountEntities(MemoryRecord? record, int delta)
    {
        if (record is null)
        {
            return;
        }

        foreach (var entity in record.Entities)
        {
            if (string.Equals(entity, record.Provenance.Speaker, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var count = _entityMemoryCounts.GetValueOrDefault(entity) + delta;
            if (count > 0)
            {
                _entityMemoryCounts[entity] = count;
            }
            else
            {
                _entityMemoryCounts.Remove(entity);
            }
        }
    }

    private string RequireKnown(string cubeId, bool includeTombstones)
    {
        if (!MemCubeKeys.IsValidCubeId(cubeId)
            || !(_memories.ContainsKey(cubeId) || _archived.ContainsKey(cubeId) || (includeTombstones && _tombstones.Contains(cubeId))))
        {
            throw new MemoryNotFoundException(cubeId);
        }

        return cubeId;
    }

    /// <summary>A memory of the hot index, whose payload may change.</summary>
    /// <exception cref="MemoryNotFoundException">The user has no such memory.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">It is archived (its payload is in the MemVault): restore it first.</exception>
    private IndexedMemory RequireIndexed(string cubeId)
    {
        if (_archived.ContainsKey(RequireKnown(cubeId, includeTombstones: false)))
        {
            throw new InvalidLifecycleTransitionException(cubeId, MemCubeLifecycle.Archived, MemCubeLifecycle.Archived);
        }

        return _memories[cubeId];
    }

    private IMemCubeGrain Cube(string cubeId)
        => GrainFactory.GetGrain<IMemCubeGrain>(MemCubeKeys.Cube(_tenantId, _spaceKey, cubeId));

    private void CountAccess(string cubeId, DateTimeOffset at)
    {
        _accessCounts[cubeId] = _accessCounts.GetValueOrDefault(cubeId) + 1;
        _lastAccess[cubeId] = at;
        _pendingAccess[cubeId] = _pendingAccess.TryGetValue(cubeId, out var p) ? (p.Count + 1, at) : (1, at);
        _accessTimer ??= RegisterGrainTimer(FlushAccessAsync, _options.AccessFlushInterval, _options.AccessFlushInterval);
    }

    private async Task FlushAccessAsync(CancellationToken cancellationToken)
    {
        if (_pendingAccess.Count == 0)
        {
            return;
        }

        var batch = _pendingAccess.ToArray();
        _pendingAccess.Clear();
        await Task.WhenAll(batch.Select(p => Cube(p.Key).RecordAccessAsync(p.Value.Count, p.Value.Last, cancellationToken)));
    }

    private static void ValidateMessages(string? conversationId, IReadOnlyList<ConversationMessage>? messages)
    {
        if (conversationId is not null && (conversationId.Length is 0 or > MaxIdLength || string.IsNullOrWhiteSpace(conversationId)))
        {
            throw new ArgumentException($"A conversation id is 1-{MaxIdLength} non-blank characters.", nameof(conversationId));
        }

        if (messages is null || messages.Count == 0)
        {
            throw new ArgumentException("At least one message is needed.", nameof(messages));
        }

        if (messages.Count > MaxMessagesPerAdd)
        {
            throw new ArgumentException($"At most {MaxMessagesPerAdd} messages per request.", nameof(messages));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i] ?? throw new ArgumentException($"messages[{i}] is null.", nameof(messages));
            if (string.IsNullOrWhiteSpace(m.Id) || m.Id.Length > MaxIdLength)
            {
                throw new ArgumentException($"messages[{i}].id must be 1-{MaxIdLength} non-blank characters.", nameof(messages));
            }

            if (string.IsNullOrWhiteSpace(m.Speaker) || m.Speaker.Length > MaxIdLength)
            {
                throw new ArgumentException($"messages[{i}].speaker must be 1-{MaxIdLength} non-blank characters.", nameof(messages));
            }

            if (string.IsNullOrWhiteSpace(m.Text) || m.Text.Length > MemCubeGrain.MaxTextLength)
            {
                throw new ArgumentException(
                    $"messages[{i}].text must be 1-{MemCubeGrain.MaxTextLength} characters, not blank.", nameof(messages));
            }

            if (!ids.Add(m.Id))
            {
                throw new ArgumentException($"messages[{i}].id '{m.Id}' appears more than once.", nameof(messages));
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "MemScheduler index rebuilt from storage: {MemoryCount} memories in {ElapsedMs:F1} ms")]
    private static partial void LogIndexRebuilt(ILogger logger, int memoryCount, double elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Added {MemoryCount} memories from {MessageCount} messages")]
    private static partial void LogAdded(ILogger logger, int memoryCount, int messageCount);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Add failed; erasing the {CreatedCount} memories it had stored")]
    private static partial void LogAddRolledBack(ILogger logger, Exception exception, int createdCount);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "{StaleCount} memories have no vector of embedder {ModelId}; they are found by words only until the space is re-embedded")]
    private static partial void LogStaleVectors(ILogger logger, int staleCount, string modelId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug,
        Message = "Common component of {VectorCount} vectors recomputed in {ElapsedMs:F1} ms")]
    private static partial void LogCommonComponent(ILogger logger, int vectorCount, double elapsedMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Rollback of a failed add could not erase a memory of {Scheduler}")]
    private static partial void LogRollbackFailed(ILogger logger, Exception exception, string scheduler);
}
