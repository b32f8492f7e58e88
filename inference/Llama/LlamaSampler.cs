using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

/// <summary>Picks tokens from the logits of a <see cref="LlamaContext"/>: a llama.cpp sampler chain (greedy, or
/// top-k / top-p / temperature and a seeded draw). Stateful (its random generator advances with each token); not
/// thread-safe.</summary>
/// <remarks>Deterministic: a new sampler (or one after <see cref="Reset"/>) with the same options, over the same
/// logits, picks the same tokens.</remarks>
public sealed class LlamaSampler : IDisposable
{
    private const uint RandomSeed = 0xFFFFFFFF; // LLAMA_DEFAULT_SEED

    private readonly LlamaSamplerHandle _handle;

    private LlamaSampler(LlamaSamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Temperature >= 0) || float.IsPositiveInfinity(options.Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, $"{nameof(LlamaSamplingOptions.Temperature)} is a finite number, at least 0.");
        }

        if (options.TopK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopK, $"{nameof(LlamaSamplingOptions.TopK)} is at least 0.");
        }

        if (!(options.TopP > 0 && options.TopP <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopP, $"{nameof(LlamaSamplingOptions.TopP)} is in (0, 1].");
        }

        if (options.Seed == RandomSeed)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Seed, $"{nameof(LlamaSamplingOptions.Seed)} 0xFFFFFFFF means a random seed to llama.cpp; pick another.");
        }

        LlamaLibrary.Initialize();
        var parameters = LlamaNative.llama_sampler_chain_default_params();
        parameters.NoPerf = 1;
        _handle = LlamaNative.llama_sampler_chain_init(parameters);
        if (_handle.IsInvalid)
        {
            _handle.Dispose();
            throw new OutOfMemoryException("llama_sampler_chain_init could not allocate a sampler chain.");
        }

        // The chain takes ownership of each sampler as it is added, so none leaks if a later one fails.
        if (options.Temperature == 0)
        {
            Add(LlamaNative.llama_sampler_init_greedy());
        }
        else
        {
            if (options.TopK > 0)
            {
                Add(LlamaNative.llama_sampler_init_top_k(options.TopK));
            }

            if (options.TopP < 1)
            {
                Add(LlamaNative.llama_sampler_init_top_p(options.TopP, 1));
            }

            Add(LlamaNative.llama_sampler_init_temp(options.Temperature));
            Add(LlamaNative.llama_sampler_init_dist(options.Seed));
        }

        Options = options;
    }

    /// <summary>The options the sampler was made with.</summary>
    public LlamaSamplingOptions Options { get; }

    /// <summary>Creates a greedy sampler: always the most likely token (the lowest id among ties).</summary>
    /// <returns>The sampler; the caller disposes it.</returns>
    /// <exception cref="LlamaException">The native libraries are missing.</exception>
    public static LlamaSampler CreateGreedy() => new(LlamaSamplingOptions.Greedy);

    /// <summary>Creates a sampler.</summary>
    /// <param name="options">How to pick tokens.</param>
    /// <returns>The sampler; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="LlamaSamplingOptions"/>).</exception>
    /// <exception cref="LlamaException">The native libraries are missing.</exception>
    public static LlamaSampler Create(LlamaSamplingOptions options) => new(options);

    /// <summary>Picks a token from the logits of one output of the context's last decode, and advances the sampler's
    /// state (its random generator) past it.</summary>
    /// <param name="context">The context (not one that outputs embeddings).</param>
    /// <param name="outputIndex">The token's index in the last batch (negative counts from the end of the outputs;
    /// -1, the default, is the last output).</param>
    /// <returns>The token id, in [0, <see cref="LlamaModel.VocabularySize"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The context outputs embeddings, or the token was not output by the
    /// last decode (llama.cpp would abort the process).</exception>
    /// <exception cref="ObjectDisposedException">The sampler or the context is disposed.</exception>
    public int Sample(LlamaContext context, int outputIndex = -1)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequireLogits(outputIndex);
        using var lease = new HandleLease(_handle);
        using var contextLease = new HandleLease(context.Handle);
        return LlamaNative.llama_sampler_sample(_handle, context.Handle, outputIndex);
    }

    /// <summary>Returns the sampler to its initial state (its random generator to the seed).</summary>
    /// <exception cref="ObjectDisposedException">The sampler is disposed.</exception>
    public void Reset()
    {
        using var lease = new HandleLease(_handle);
        LlamaNative.llama_sampler_reset(_handle);
    }

    /// <summary>Frees the native chain.</summary>
    public void Dispose() => _handle.Dispose();

    private void Add(nint sampler)
    {
        if (sampler == nint.Zero)
        {
            throw new OutOfMemoryException("llama.cpp could not allocate a sampler.");
        }

        LlamaNative.llama_sampler_chain_add(_handle, sampler);
    }
}
