using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MemOS.Inference.Embeddings.OpenAi;

/// <summary>An <see cref="IEmbedder"/> over any OpenAI-compatible <c>POST /v1/embeddings</c> endpoint: OpenAI, Ollama,
/// vLLM, Hugging Face TEI, or another MemOS silo.</summary>
/// <remarks>
/// Texts are sent in batches of <see cref="OpenAiCompatibleEmbedderOptions.MaxBatchSize"/> with
/// <c>encoding_format: float</c>; blank texts are not sent and get the zero vector. Returned vectors are checked (one per
/// input, each of <see cref="Dimension"/> components) and scaled to unit L2 norm, since not every server normalizes
/// (vectors already of unit norm within 1e-5 are kept as they came).
/// Transient failures (connection errors, attempt timeouts, 408, 429, 5xx) are retried by a Polly pipeline with
/// exponential backoff, jitter and <c>Retry-After</c>; what still fails becomes an <see cref="EmbeddingException"/>
/// whose <see cref="MemOSException.IsTransient"/> says whether to try later. Determinism is the server's: the same
/// model on the same server gives the same vectors. Thread-safe.
/// </remarks>
public sealed class OpenAiCompatibleEmbedder : IEmbedder, IDisposable
{
    private static readonly Uri EmbeddingsPath = new("embeddings", UriKind.Relative);

    private readonly OpenAiCompatibleEmbedderOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _embeddingsUri;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    private OpenAiCompatibleEmbedder(OpenAiCompatibleEmbedderOptions options, HttpClient? http, int dimension)
    {
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var endpoint = options.Endpoint!.AbsoluteUri.EndsWith('/') ? options.Endpoint : new Uri(options.Endpoint.AbsoluteUri + "/");
        _embeddingsUri = new Uri(endpoint, EmbeddingsPath);
        ModelId = options.Model!;
        Dimension = dimension;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && IsTransient(args.Outcome)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Creates the embedder; when <see cref="OpenAiCompatibleEmbedderOptions.Dimension"/> is not set, embeds one
    /// probe text to learn it.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="http">The HTTP client to use (its base address and timeout are not used), or null for an own one.</param>
    /// <param name="cancellationToken">Stops the probe.</param>
    /// <returns>The embedder.</returns>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    /// <exception cref="EmbeddingException">The probe failed.</exception>
    public static async Task<OpenAiCompatibleEmbedder> CreateAsync(
        OpenAiCompatibleEmbedderOptions options, HttpClient? http = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Dimension is { } dimension)
        {
            return new OpenAiCompatibleEmbedder(options, http, dimension);
        }

        var probe = new OpenAiCompatibleEmbedder(options, http, dimension: 0);
        var vectors = await probe.RequestAsync(["dimension probe"], cancellationToken);
        if (vectors[0].Length == 0)
        {
            throw new EmbeddingException($"{probe._embeddingsUri} returned an empty vector for model '{options.Model}'.");
        }

        return new OpenAiCompatibleEmbedder(options, http, vectors[0].Length);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        var pending = new List<int>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
            if (string.IsNullOrWhiteSpace(text))
            {
                result[i] = new float[Dimension];
            }
            else
            {
                pending.Add(i);
            }
        }

        foreach (var batch in pending.Chunk(_options.MaxBatchSize))
        {
            var vectors = await RequestAsync(batch.Select(i => texts[i]).ToList(), cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                if (vectors[j].Length != Dimension)
                {
                    throw new EmbeddingException(
                        $"{_embeddingsUri} returned a vector of {vectors[j].Length} components for model '{ModelId}'; " +
                        $"this embedder is configured for {Dimension}.");
                }

                // Unit vectors are kept bit for bit (dividing by a norm of 1 +- 1e-7 would change their last bits).
                var norm = TensorPrimitives.Norm(vectors[j]);
                if (norm > 0 && Math.Abs(norm - 1) > 1e-5f)
                {
                    TensorPrimitives.Divide(vectors[j], norm, vectors[j]);
                }

                result[batch[j]] = vectors[j];
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<float[][]> RequestAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var body = new EmbeddingsRequest(texts, ModelId, EmbeddingsRequest.FloatFormat,
            _options.SendDimensions ? _options.Dimension : null);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _embeddingsUri)
                {
                    Content = JsonContent.Create(body, OpenAiJsonContext.Default.EmbeddingsRequest),
                };
                if (_options.ApiKey is { Length: > 0 } key)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                }

                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            throw new EmbeddingException($"The embeddings endpoint {_embeddingsUri} is unreachable: {e.Message}", true, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var detail = await ReadSnippetAsync(response, cancellationToken);
                throw new EmbeddingException(
                    $"The embeddings endpoint {_embeddingsUri} answered {(int)response.StatusCode} {response.ReasonPhrase} " +
                    $"for model '{ModelId}': {detail}", IsTransient(response.StatusCode));
            }

            EmbeddingsResponse? parsed;
            try
            {
                parsed = await response.Content.ReadFromJsonAsync(OpenAiJsonContext.Default.EmbeddingsResponse, cancellationToken);
            }
            catch (JsonException e)
            {
                throw new EmbeddingException($"The embeddings endpoint {_embeddingsUri} answered with malformed JSON: {e.Message}", false, e);
            }

            return Order(parsed?.Data, texts.Count);
        }
    }

    private float[][] Order(IReadOnlyList<EmbeddingData>? data, int count)
    {
        if (data is null || data.Count != count)
        {
            throw new EmbeddingException(
                $"The embeddings endpoint {_embeddingsUri} returned {data?.Count ?? 0} vectors for {count} texts.");
        }

        var vectors = new float[count][];
        foreach (var item in data)
        {
            if (item.Index < 0 || item.Index >= count || vectors[item.Index] is not null || item.Embedding.Vector is null)
            {
                throw new EmbeddingException(
                    $"The embeddings endpoint {_embeddingsUri} returned a missing, repeated or out-of-range index {item.Index}.");
            }

            vectors[item.Index] = item.Embedding.Vector;
        }

        return vectors;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    private static bool IsTransient(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d && d > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(d.Ticks, TimeSpan.FromSeconds(30).Ticks)) : null;
    }

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Length <= 500 ? text : text[..500] + "...";
        }
        catch (HttpRequestException)
        {
            return "(no body)";
        }
    }
}
