using MemOS.Inference.Llama;

namespace MemOS.Inference.KvCache;

/// <summary>Computes KV caches (saved sequence states) for many token sequences, up to
/// <see cref="KvCachePrecomputeOptions.MaxBatch"/> of them in one multi-sequence decode: the work of a KV-precompute
/// worker. Not thread-safe (one context); use one per worker.</summary>
/// <remarks>The context has a KV stream per sequence, so a sequence attends to its own cells only, and its state is
/// the one-stream form (<see cref="LlamaContext.SaveSequenceState(int)"/>) that restores into any context of the same
/// model. Batching amortizes what each decode costs whatever its size (on a CPU, mostly reading every weight once per
/// micro-batch); how much it gains depends on the requests' lengths and the hardware.</remarks>
public sealed class KvCachePrecomputer : IDisposable
{
    private readonly LlamaContext _context;

    /// <summary>Creates a precomputer over a loaded model (which the caller keeps and disposes after it).</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The batch and context sizes; the defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="LlamaException">llama.cpp could not create the context (for example out of memory).</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="model"/> is disposed.</exception>
    public KvCachePrecomputer(LlamaModel model, KvCachePrecomputeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new KvCachePrecomputeOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1, nameof(options.MaxBatch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxBatch, 256, nameof(options.MaxBatch));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTokensPerRequest, 1, nameof(options.MaxTokensPerRequest));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchTokens, 1, nameof(options.BatchTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MicroBatchTokens, 1, nameof(options.MicroBatchTokens));
        _context = model.CreateContext(new LlamaContextOptions
        {
            ContextTokens = options.MaxBatch * options.MaxTokensPerRequest,
            BatchTokens = options.BatchTokens,
            MicroBatchTokens = Math.Min(options.MicroBatchTokens, options.BatchTokens),
            Sequences = options.MaxBatch,
            Threads = options.Threads,
        });
        Model = model;
        MaxBatch = options.MaxBatch;
        MaxTokensPerRequest = _context.SequenceContextTokens;
    }

    /// <summary>The model.</summary>
    public LlamaModel Model { get; }

    /// <summary>The most requests decoded together.</summary>
    public int MaxBatch { get; }

    /// <summary>The most tokens of one request (the context's per-sequence size, at least the option's).</summary>
    public int MaxTokensPerRequest { get; }

    /// <summary>Computes the state of each token sequence, decoding them in groups of <see cref="MaxBatch"/>.</summary>
    /// <param name="prompts">The sequences, each of 1 to <see cref="MaxTokensPerRequest"/> valid token ids, decoded
    /// from position 0.</param>
    /// <returns>One state per sequence, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prompts"/> is null.</exception>
    /// <exception cref="ArgumentException">A sequence is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    /// <exception cref="LlamaException">A decode failed.</exception>
    /// <exception cref="ObjectDisposedException">The precomputer is disposed.</exception>
    public byte[][] ComputeStates(IReadOnlyList<ReadOnlyMemory<int>> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var states = new byte[prompts.Count][];
        for (var first = 0; first < prompts.Count; first += MaxBatch)
        {
            var group = prompts.Skip(first).Take(MaxBatch).ToArray();
            _context.ClearMemory();
            _context.PrefillSequences(group);
            for (var i = 0; i < group.Length; i++)
            {
                states[first + i] = _context.SaveSequenceState(i);
            }
        }

        _context.ClearMemory();
        return states;
    }

    /// <summary>Computes and stores the caches a store does not have yet.</summary>
    /// <param name="requests">The requests; those whose key the store already holds are skipped (and not read).</param>
    /// <param name="store">The store.</param>
    /// <returns>For each request, in order, its entry (new or already stored), or <see langword="null"/> when the state
    /// was larger than the store's cap.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="KvCacheException">A request's key names another model, or another token count, than it has.</exception>
    /// <exception cref="ArgumentException">A request's tokens are empty or too long.</exception>
    /// <exception cref="LlamaException">A decode failed.</exception>
    /// <exception cref="IOException">The store could not write an entry.</exception>
    public IReadOnlyList<KvCacheEntry?> Precompute(IReadOnlyList<KvCacheRequest> requests, KvCacheStore store)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(store);
        foreach (var request in requests)
        {
            if (request.Key.ModelSha256 != Model.Sha256)
            {
                throw new KvCacheException(
                    $"The request {request.Key} is for model {request.Key.ModelSha256}; this precomputer runs {Model.Sha256}.");
            }

            if (request.Key.TokenCount != request.Tokens.Length)
            {
                throw new KvCacheException($"The request {request.Key} names {request.Key.TokenCount} tokens but carries {request.Tokens.Length}.");
            }
        }

        var entries = requests.Select(r => store.TryGetEntry(r.Key)).ToArray();
        var missing = Enumerable.Range(0, requests.Count).Where(i => entries[i] is null).ToArray();
        var states = ComputeStates([.. missing.Select(i => requests[i].Tokens)]);
        for (var m = 0; m < missing.Length; m++)
        {
            entries[missing[m]] = store.Put(requests[missing[m]].Key, states[m]);
        }

        return entries;
    }

    /// <summary>Frees the context.</summary>
    public void Dispose() => _context.Dispose();
}
