using System.Diagnostics;
using MemOS.Inference.KvCache;
using MemOS.Inference.Llama;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemOS.Inference.Generation;

/// <summary>The <see cref="IGenerationEngine"/> of a silo with a GGUF generation model, run by llama.cpp on the CPU:
/// one generation context (one chat at a time) and, created on first use, one KV-precompute context with a sequence
/// per batched block (<see cref="KvCachePrecomputer"/>), over one <see cref="KvCacheStore"/>.</summary>
/// <remarks>Chats wait for the generation context and precomputes for the precompute context; the two run
/// concurrently, sharing the CPU. Work runs on the thread pool, never on the caller's thread. A generation with LoRA
/// adapters (<see cref="GenerationSettings.Adapters"/>) sets them on the generation context while it holds it and
/// clears them before letting go, so concurrent chats never see each other's adapters; loaded adapters are kept
/// (by path, reloaded when the file changes) while the engine lives.</remarks>
public sealed partial class LlamaGenerationEngine : IGenerationEngine, IDisposable
{
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly KvCacheStore _store;
    private readonly InferenceMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly LlamaGenerationEngineOptions _options;
    private readonly SemaphoreSlim _generationGate = new(1, 1);
    private readonly SemaphoreSlim _precomputeGate = new(1, 1);
    private readonly GenerationModelInfo _info;
    private readonly Dictionary<string, (DateTime WrittenAt, LlamaLoraAdapter Adapter)> _adapters = new(StringComparer.Ordinal);
    private KvCachePrecomputer? _precomputer;
    private bool _disposed;

    private LlamaGenerationEngine(
        LlamaModel model, LlamaGenerationEngineOptions options, KvCacheStore store, InferenceMetrics? metrics, ILogger logger)
    {
        _model = model;
        _options = options;
        _store = store;
        _metrics = metrics;
        _logger = logger;
        var contextTokens = options.ContextTokens == 0 ? model.TrainingContextTokens : Math.Min(options.ContextTokens, model.TrainingContextTokens);
        _context = model.CreateContext(new LlamaContextOptions
        {
            ContextTokens = contextTokens,
            BatchTokens = Math.Min(options.BatchTokens, contextTokens),
            Threads = options.Threads,
        });
        ContextTokens = Math.Min(_context.SequenceContextTokens, Math.Max(contextTokens, 1));
        _info = new GenerationModelInfo(
            model.GetMetadata("general.name") ?? Path.GetFileNameWithoutExtension(model.Path),
            model.Path, model.Sha256, options.Template.Name, ContextTokens, options.PrecomputeMaxBatch);
        metrics?.ObserveStore(store);
    }

    /// <inheritdoc />
    public bool IsAvailable => true;

    /// <inheritdoc />
    public string? UnavailableReason => null;

    /// <summary>The tokens one prompt plus its generated tokens may take.</summary>
    public int ContextTokens { get; }

    /// <summary>The KV cache store.</summary>
    public KvCacheStore Store => _store;

    /// <summary>Loads the model and opens the store.</summary>
    /// <param name="modelPath">The GGUF generation model.</param>
    /// <param name="options">Template, sizes, threads and the store's directory and cap.</param>
    /// <param name="metrics">Where the store and the precompute are reported; none when null.</param>
    /// <param name="loggerFactory">Logs; none when null.</param>
    /// <param name="timeProvider">The store's clock; the system clock when null.</param>
    /// <returns>The engine; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="LlamaException">The native libraries or the model file are missing or unusable (the message names
    /// the file, or says to run <c>./memos install</c>).</exception>
    /// <exception cref="IOException">The store's directory cannot be created.</exception>
    public static LlamaGenerationEngine Load(
        string modelPath, LlamaGenerationEngineOptions options, InferenceMetrics? metrics = null, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContextTokens, nameof(options.ContextTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchTokens, 1, nameof(options.BatchTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads, nameof(options.Threads));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PrecomputeMaxBatch, 1, nameof(options.PrecomputeMaxBatch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PrecomputeMaxBatch, 256, nameof(options.PrecomputeMaxBatch));
        var model = LlamaModel.Load(modelPath);
        try
        {
            var store = new KvCacheStore(options.KvCache, timeProvider, loggerFactory?.CreateLogger<KvCacheStore>());
            var logger = (ILogger?)loggerFactory?.CreateLogger<LlamaGenerationEngine>() ?? NullLogger.Instance;
            var engine = new LlamaGenerationEngine(model, options, store, metrics, logger);
            LogLoaded(logger, engine._info.Name, engine._info.Sha256, engine.ContextTokens, options.Template.Name, store.Directory, store.Count);
            return engine;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public GenerationModelInfo Describe() => _info;

    /// <inheritdoc />
    public MemoryBlockPrompt PrepareBlock(string memoryContext)
    {
        var text = _options.Template.RenderBlock(memoryContext);
        var tokens = _model.Tokenize(text, addSpecial: true, parseSpecial: _options.Template.ParseSpecial);
        return new MemoryBlockPrompt(text, tokens, new KvCacheKey(_model.Sha256, _options.Template.Name, tokens));
    }

    /// <inheritdoc />
    public int[] PrepareQuestion(string question, bool afterBlock)
    {
        var tokens = _model.Tokenize(_options.Template.RenderQuestion(question), addSpecial: !afterBlock, parseSpecial: _options.Template.ParseSpecial);
        return tokens.Length > 0 ? tokens : throw new ArgumentException("The question has no tokens.", nameof(question));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KvCacheEntry?>> PrecomputeAsync(
        IReadOnlyList<MemoryBlockPrompt> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks)
        {
            if (block.Tokens.Length > ContextTokens)
            {
                throw new ArgumentException(
                    $"A memory block of {block.Tokens.Length} tokens is longer than the {ContextTokens}-token context.", nameof(blocks));
            }
        }

        await _precomputeGate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => Precompute(blocks), CancellationToken.None);
        }
        finally
        {
            _precomputeGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<GenerationResult> GenerateAsync(
        MemoryBlockPrompt? block, ReadOnlyMemory<int> question, bool restoreBlock, GenerationSettings settings,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxTokens, 1, nameof(settings));
        if (question.IsEmpty)
        {
            throw new ArgumentException("The question has no tokens.", nameof(question));
        }

        var needed = (block?.Tokens.Length ?? 0) + question.Length + settings.MaxTokens;
        if (needed > ContextTokens)
        {
            throw new ArgumentException(
                $"The memory block ({block?.Tokens.Length ?? 0} tokens), the question ({question.Length}) and maxTokens " +
                $"({settings.MaxTokens}) take {needed} tokens; the model's context holds {ContextTokens}.", nameof(settings));
        }

        await _generationGate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => Generate(block, question, restoreBlock, settings), CancellationToken.None);
        }
        finally
        {
            _generationGate.Release();
        }
    }

    /// <inheritdoc />
    public bool HasCache(KvCacheKey key) => _store.TryGetEntry(key) is not null;

    /// <inheritdoc />
    public bool DropCache(KvCacheKey key) => _store.Remove(key);

    /// <summary>Frees the contexts and the model (the store's files stay).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _precomputer?.Dispose();
        _context.Dispose();
        foreach (var (_, adapter) in _adapters.Values)
        {
            adapter.Dispose();
        }

        _model.Dispose();
        _generationGate.Dispose();
        _precomputeGate.Dispose();
    }

    private List<KvCacheEntry?> Precompute(IReadOnlyList<MemoryBlockPrompt> blocks)
    {
        var entries = blocks.Select(b => _store.TryGetEntry(b.Key)).ToList();
        var missing = new List<MemoryBlockPrompt>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < blocks.Count; i++)
        {
            if (entries[i] is null && seen.Add(blocks[i].Key.Id))
            {
                missing.Add(blocks[i]);
            }
        }

        if (missing.Count > 0)
        {
            _precomputer ??= new KvCachePrecomputer(_model, new KvCachePrecomputeOptions
            {
                MaxBatch = _options.PrecomputeMaxBatch,
                MaxTokensPerRequest = ContextTokens,
                BatchTokens = Math.Max(_options.BatchTokens, ContextTokens),
                MicroBatchTokens = _options.BatchTokens,
                Threads = _options.Threads,
            });
            var computed = new Dictionary<string, KvCacheEntry?>(StringComparer.Ordinal);
            foreach (var group in missing.Chunk(_precomputer.MaxBatch))
            {
                // One multi-sequence decode per group (ComputeStates decodes at most MaxBatch sequences together).
                var started = Stopwatch.GetTimestamp();
                var states = _precomputer.ComputeStates([.. group.Select(b => (ReadOnlyMemory<int>)b.Tokens)]);
                for (var i = 0; i < group.Length; i++)
                {
                    computed[group[i].Key.Id] = _store.Put(group[i].Key, states[i]);
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                _metrics?.RecordPrecompute(elapsed, group.Length);
                LogPrecomputed(_logger, group.Length, group.Sum(b => b.Tokens.Length), elapsed.TotalMilliseconds);
            }

            for (var i = 0; i < blocks.Count; i++)
            {
                entries[i] ??= computed.GetValueOrDefault(blocks[i].Key.Id);
            }
        }

        return entries;
    }

    private GenerationResult Generate(MemoryBlockPrompt? block, ReadOnlyMemory<int> question, bool restoreBlock, GenerationSettings settings)
    {
        using var sampler = settings.Temperature <= 0
            ? LlamaSampler.CreateGreedy()
            : LlamaSampler.Create(new LlamaSamplingOptions { Temperature = settings.Temperature, Seed = settings.Seed });
        _context.ClearMemory();
        if (settings.Adapters.Count > 0)
        {
            _context.SetLoraAdapters([.. settings.Adapters.Select(a => (LoadAdapter(a.Path), a.Scale))]);
        }

        try
        {
            return Generate(block, question, restoreBlock && settings.Adapters.Count == 0, settings.MaxTokens, sampler);
        }
        finally
        {
            if (settings.Adapters.Count > 0)
            {
                _context.ClearLoraAdapters();
                _context.ClearMemory();
            }
        }
    }

    private GenerationResult Generate(MemoryBlockPrompt? block, ReadOnlyMemory<int> question, bool restoreBlock, int maxTokens, LlamaSampler sampler)
    {
        var started = Stopwatch.GetTimestamp();
        var restored = false;
        var miss = false;
        if (block is not null && restoreBlock)
        {
            restored = _store.TryRestore(block.Key, _context) is not null;
            miss = !restored;
        }

        LlamaGeneration generation;
        if (restored || block is null)
        {
            generation = _context.Generate(question.Span, sampler, maxTokens);
        }
        else
        {
            var whole = new int[block.Tokens.Length + question.Length];
            block.Tokens.CopyTo(whole, 0);
            question.Span.CopyTo(whole.AsSpan(block.Tokens.Length));
            generation = _context.Generate(whole, sampler, maxTokens);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        // Generate times from its own start; the restore before it belongs to the time to first token too.
        var firstToken = elapsed - generation.Elapsed + generation.TimeToFirstToken;
        _context.ClearMemory();
        var text = _model.Detokenize([.. generation.Tokens.Where(t => !_model.IsEndOfGeneration(t))], removeSpecial: true);
        return new GenerationResult(generation.Tokens, text, restored, miss, generation.PromptTokens, firstToken, elapsed, generation.StopReason);
    }

    /// <summary>The loaded adapter of a file (loaded again when the file was rewritten); on the generation context's
    /// holder only.</summary>
    private LlamaLoraAdapter LoadAdapter(string path)
    {
        var full = Path.GetFullPath(path);
        var writtenAt = File.GetLastWriteTimeUtc(full);
        if (_adapters.TryGetValue(full, out var known) && known.WrittenAt == writtenAt)
        {
            return known.Adapter;
        }

        var adapter = LlamaLoraAdapter.Load(_model, full);
        known.Adapter?.Dispose();
        _adapters[full] = (writtenAt, adapter);
        LogAdapterLoaded(_logger, full);
        return adapter;
    }

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "LoRA adapter {Path} loaded for generation")]
    private static partial void LogAdapterLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information,
        Message = "Generation model {ModelName} ({ModelSha256}) loaded: context {ContextTokens} tokens, template {Template}, KV cache store {Directory} with {EntryCount} entries")]
    private static partial void LogLoaded(
        ILogger logger, string modelName, string modelSha256, int contextTokens, string template, string directory, int entryCount);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Debug,
        Message = "KV precompute: {BlockCount} memory blocks ({TokenCount} tokens) in one decode, {ElapsedMs:F1} ms")]
    private static partial void LogPrecomputed(ILogger logger, int blockCount, int tokenCount, double elapsedMs);
}
