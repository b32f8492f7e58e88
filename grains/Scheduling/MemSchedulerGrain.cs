using System.Diagnostics;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Memories;
using MemOS.Grains.Reader;
using MemOS.Grains.Retrieval;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemOS.Grains.Scheduling;

/// <summary>The MemScheduler of one user (see <see cref="IMemSchedulerGrain"/>). Holds a BM25 index over the
/// user's activated MemCubes in memory, rebuilt from storage on activation, and batches the access counts of
/// search hits to the cubes on a timer.</summary>
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
    private readonly MemSchedulerOptions _options;
    private readonly ILogger<MemSchedulerGrain> _logger;
    private readonly Bm25Index _lexical = new();
    private readonly Dictionary<string, IndexedMemory> _memories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tombstones = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ConversationId, string MessageId), string> _messages = [];
    private readonly Dictionary<string, (int Count, DateTimeOffset Last)> _pendingAccess = new(StringComparer.Ordinal);
    private string _tenantId = "";
    private string _userId = "";
    private string _spaceKey = "";
    private IDisposable? _accessTimer;

    /// <summary>Creates the grain.</summary>
    /// <param name="stateQuery">Scans stored cubes to rebuild the index.</param>
    /// <param name="reader">The MemReader turning messages into drafts.</param>
    /// <param name="options">Scheduler settings.</param>
    /// <param name="logger">The logger.</param>
    public MemSchedulerGrain(
        IGrainStateQuery stateQuery, IMemReader reader, IOptions<MemSchedulerOptions> options, ILogger<MemSchedulerGrain> logger)
    {
        _stateQuery = stateQuery;
        _reader = reader;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        _tenantId = key[..slash];
        _userId = key[(slash + 1)..];
        _spaceKey = MemCubeKeys.PrivateSpace(_userId);

        var started = Stopwatch.GetTimestamp();
        var unactivated = new List<string>();
        var prefix = MemCubeKeys.SpacePrefix(_tenantId, _spaceKey);
        await foreach (var stored in _stateQuery.ScanAsync<MemCubeState>(
                           MemCubeGrain.GrainTypeName, MemCubeGrain.StateName, prefix, cancellationToken))
        {
            var state = stored.State;
            switch (state.State)
            {
                case MemCubeLifecycle.Activated:
                    Index(state.ToRecord());
                    break;
                case MemCubeLifecycle.Generated:
                    unactivated.Add(state.Id);
                    break;
                default:
                    _tombstones.Add(state.Id);
                    break;
            }
        }

        // A cube left Generated means an add stopped between creating and activating it (a crash). Its message
        // reached us, and a client retrying the add is answered from the message index, so admit it now.
        foreach (var id in unactivated)
        {
            Index(await Cube(id).ActivateAsync(cancellationToken));
        }

        LogIndexRebuilt(_logger, _memories.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _accessTimer?.Dispose();
        await FlushAccessAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AddMemoriesResponse> AddMessagesAsync(
        string? conversationId, IReadOnlyList<ConversationMessage> messages, CancellationToken cancellationToken = default)
    {
        ValidateMessages(conversationId, messages);
        var results = new AddedMemory?[messages.Count];
        var fresh = new List<ConversationMessage>();
        var freshIndex = new List<int>();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (conversationId is not null && _messages.TryGetValue((conversationId, message.Id), out var existingId))
            {
                var existing = _memories[existingId].Record;
                if (existing.Text != message.Text.Trim() || existing.Provenance.Speaker != message.Speaker)
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
        var drafts = _reader.Read(_userId, conversationId, fresh, now);
        var created = await CreateAllAsync(drafts.Select(d => d.Draft).ToList(), now, cancellationToken);
        for (var j = 0; j < drafts.Count; j++)
        {
            var record = created[j];
            Index(record);
            var messageIndex = freshIndex[drafts[j].MessageIndex];
            // A reader may build several memories from one message; the answer lists the first.
            results[messageIndex] ??= new AddedMemory(record, Created: true);
        }

        LogAdded(_logger, created.Count, messages.Count);
        return new AddMemoriesResponse(results.Select(r => r!).ToList());
    }

    /// <inheritdoc />
    public Task<SearchResponse> SearchAsync(MemorySearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.Query))
        {
            throw new ArgumentException("A search needs a non-empty query.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(query.TopK, 1);
        if (query.TokenBudget is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), "A token budget is at least 1.");
        }

        var terms = TextAnalyzer.English.Analyze(query.Query);
        var scored = _lexical.Search(terms, query.TopK);
        var ranked = new List<(IndexedMemory Memory, double Score)>(scored.Count);
        foreach (var hit in scored)
        {
            ranked.Add((_memories[hit.Id], hit.Score));
        }

        IReadOnlyList<(IndexedMemory Memory, double Score)> selected = query.TokenBudget is { } budget
            ? TokenBudgetPacker.Pack(ranked, r => r.Memory.Rendered, budget)
            : ranked;

        var now = TimeProvider.GetUtcNow();
        var hits = new List<SearchHit>(selected.Count);
        var chars = 0;
        foreach (var (memory, score) in selected)
        {
            var r = memory.Record;
            hits.Add(new SearchHit(r.Id, score, r.Kind, r.Text, r.Provenance.Speaker, r.ValidFrom, r.Provenance, memory.Rendered));
            chars += memory.Rendered.Length;
            CountAccess(r.Id, now);
        }

        var usedTokens = MemoryRendering.CountContextTokens(chars, hits.Count);
        return Task.FromResult(new SearchResponse(hits, usedTokens, query.TokenBudget));
    }

    /// <inheritdoc />
    public Task<MemoryRecord> GetMemoryAsync(string cubeId, CancellationToken cancellationToken = default)
        => Cube(RequireKnown(cubeId, includeTombstones: false)).GetAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<MemoryRecord> UpdateMemoryAsync(
        string cubeId, MemoryUpdate update, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var record = await Cube(RequireKnown(cubeId, includeTombstones: false))
            .UpdateAsync(update, expectedVersion, cancellationToken);
        Index(record);
        return record;
    }

    /// <inheritdoc />
    public async Task DeleteMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        await Cube(RequireKnown(cubeId, includeTombstones: false)).DeleteAsync(expectedVersion, cancellationToken);
        Unindex(cubeId);
        _tombstones.Add(cubeId);
    }

    /// <inheritdoc />
    public Task<MemoryHistory> GetHistoryAsync(string cubeId, CancellationToken cancellationToken = default)
        => Cube(RequireKnown(cubeId, includeTombstones: true)).GetHistoryAsync(cancellationToken);

    private async Task<List<MemoryRecord>> CreateAllAsync(
        IReadOnlyList<MemCubeDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var grains = drafts.Select(_ => Cube(CubeIds.New(now))).ToArray();
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

    private void Index(MemoryRecord record)
    {
        var entry = IndexedMemory.Of(record);
        _memories[record.Id] = entry;
        var terms = TextAnalyzer.English.Analyze(record.Provenance.Speaker is { } speaker ? speaker + " " + record.Text : record.Text);
        if (_lexical.Contains(record.Id))
        {
            _lexical.Replace(record.Id, terms);
        }
        else
        {
            _lexical.Add(record.Id, terms);
        }

        if (record.Provenance.ConversationId is { } conversation)
        {
            foreach (var messageId in record.Provenance.MessageIds)
            {
                _messages.TryAdd((conversation, messageId), record.Id);
            }
        }
    }

    private void Unindex(string cubeId)
    {
        if (!_memories.Remove(cubeId, out var entry))
        {
            return;
        }

        _lexical.Remove(cubeId);
        if (entry.Record.Provenance.ConversationId is { } conversation)
        {
            foreach (var messageId in entry.Record.Provenance.MessageIds)
            {
                if (_messages.TryGetValue((conversation, messageId), out var owner) && owner == cubeId)
                {
                    _messages.Remove((conversation, messageId));
                }
            }
        }
    }

    private string RequireKnown(string cubeId, bool includeTombstones)
    {
        if (!MemCubeKeys.IsValidCubeId(cubeId)
            || !(_memories.ContainsKey(cubeId) || (includeTombstones && _tombstones.Contains(cubeId))))
        {
            throw new MemoryNotFoundException(cubeId);
        }

        return cubeId;
    }

    private IMemCubeGrain Cube(string cubeId)
        => GrainFactory.GetGrain<IMemCubeGrain>(MemCubeKeys.Cube(_tenantId, _spaceKey, cubeId));

    private void CountAccess(string cubeId, DateTimeOffset at)
    {
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

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Rollback of a failed add could not erase a memory of {Scheduler}")]
    private static partial void LogRollbackFailed(ILogger logger, Exception exception, string scheduler);
}
