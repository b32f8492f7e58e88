using MemOS.Grains.Memories;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Inference.Embeddings;
using MemOS.Inference.Embeddings.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MemOS.Silo.Api;

/// <summary>An OpenAI-compatible embeddings API served with the silo's own embedder: <c>POST /v1/embeddings</c> and
/// <c>GET /v1/models</c>. Any OpenAI client (and MemOS's <see cref="OpenAiCompatibleEmbedder"/>) can use a silo as its
/// embedding server; the vectors are those the silo stores on its MemCubes.</summary>
/// <remarks>Differences from OpenAI: errors are RFC 9457 problem details (stable <c>type</c> URNs) rather than
/// <c>{"error": ...}</c>; <c>input</c> as token ids is refused; <c>usage</c> counts tokens as ceil(chars / 4), the
/// project's token measure.</remarks>
public static class EmbeddingEndpoints
{
    /// <summary>The most texts one request may embed (OpenAI's limit).</summary>
    public const int MaxInputs = 2_048;

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The <c>/v1</c> route group.</returns>
    public static RouteGroupBuilder MapEmbeddingEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("embeddings");
        v1.MapPost("/embeddings", EmbedAsync).WithSummary("Embed texts with the silo's embedder (OpenAI-compatible).");
        v1.MapGet("/models", Models).WithSummary("The embedding model this silo serves (OpenAI-compatible).");
        return v1;
    }

    private static async Task<Ok<EmbeddingsResponse>> EmbedAsync(
        EmbeddingsRequest request, IEmbedder embedder, CancellationToken cancellationToken)
    {
        if (request.Model is { } model && !string.Equals(model, embedder.ModelId, StringComparison.Ordinal))
        {
            throw new ModelNotFoundException(model, embedder.ModelId);
        }

        var format = request.EncodingFormat ?? EmbeddingsRequest.FloatFormat;
        if (format is not (EmbeddingsRequest.FloatFormat or EmbeddingsRequest.Base64Format))
        {
            throw RequestValidation.Invalid("encoding_format", "encoding_format is 'float' or 'base64'.");
        }

        if (request.Dimensions is { } dimensions && dimensions != embedder.Dimension)
        {
            throw RequestValidation.Invalid(
                "dimensions", $"Model '{embedder.ModelId}' produces {embedder.Dimension} dimensions and cannot shorten them.");
        }

        var input = request.Input;
        if (input is null || input.Count is 0 or > MaxInputs)
        {
            throw RequestValidation.Invalid("input", $"input holds 1-{MaxInputs} texts.");
        }

        var tokens = 0;
        for (var i = 0; i < input.Count; i++)
        {
            if (string.IsNullOrEmpty(input[i]) || input[i].Length > MemCubeGrain.MaxTextLength)
            {
                throw RequestValidation.Invalid("input", $"input[{i}] must be 1-{MemCubeGrain.MaxTextLength} characters.");
            }

            tokens += MemoryRendering.CountTokens(input[i].Length);
        }

        var vectors = await embedder.EmbedAsync(input, cancellationToken);
        var data = vectors.Select((v, i) => new EmbeddingData("embedding", i, new EmbeddingValue(v, format == EmbeddingsRequest.Base64Format)));
        return TypedResults.Ok(new EmbeddingsResponse("list", [.. data], embedder.ModelId, new EmbeddingsUsage(tokens, tokens)));
    }

    private static Ok<ModelList> Models(IEmbedder embedder)
        => TypedResults.Ok(new ModelList("list", [new ModelInfo(embedder.ModelId, "model", 0, "memos")]));
}
