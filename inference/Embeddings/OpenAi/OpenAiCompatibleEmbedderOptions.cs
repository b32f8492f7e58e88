namespace MemOS.Inference.Embeddings.OpenAi;

/// <summary>Settings of <see cref="OpenAiCompatibleEmbedder"/>.</summary>
public sealed class OpenAiCompatibleEmbedderOptions
{
    /// <summary>The API base address, up to and including the version segment, for example
    /// <c>https://api.openai.com/v1/</c>, <c>http://127.0.0.1:11434/v1/</c> (Ollama) or a MemOS silo's
    /// <c>http://127.0.0.1:5080/v1/</c>; requests go to <c>{Endpoint}embeddings</c>. Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model name sent as <c>model</c> (for example <c>text-embedding-3-small</c>, <c>nomic-embed-text</c>).
    /// It is also the <see cref="IEmbedder.ModelId"/> recorded on cubes: two endpoints serving the same model name are
    /// taken to produce comparable vectors. Required.</summary>
    public string? Model { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer {ApiKey}</c> when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The number of components of the model's vectors; null asks the endpoint once (one probe call when the
    /// embedder is created).</summary>
    public int? Dimension { get; set; }

    /// <summary>Whether to send <see cref="Dimension"/> as the request's <c>dimensions</c> (only models that can
    /// shorten their output, such as OpenAI's <c>text-embedding-3-*</c>, accept it). Default: false.</summary>
    public bool SendDimensions { get; set; }

    /// <summary>The most texts per request; larger batches are split. Default: 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>How long one attempt may take. Default: 60 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a transient failure (connection error, timeout, 408, 429, 5xx) is retried, with exponential
    /// backoff and jitter, honouring <c>Retry-After</c>. Default: 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay (doubling after). Default: 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The embeddings endpoint must be an absolute http(s) URL such as http://127.0.0.1:11434/v1/.");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("An OpenAI-compatible embedder needs the model name.");
        }

        if (Dimension is < 1 or > 65_536)
        {
            throw new ArgumentException($"The dimension must be 1-65536, not {Dimension}.");
        }

        if (MaxBatchSize is < 1 or > 2_048)
        {
            throw new ArgumentException($"MaxBatchSize must be 1-2048, not {MaxBatchSize}.");
        }

        if (MaxRetries is < 0 or > 20 || AttemptTimeout <= TimeSpan.Zero || RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("MaxRetries is 0-20, AttemptTimeout positive and RetryDelay not negative.");
        }
    }
}
