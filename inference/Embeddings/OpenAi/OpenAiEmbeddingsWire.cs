using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MemOS.Inference.Embeddings.OpenAi;

/// <summary>Body of an OpenAI-compatible <c>POST /v1/embeddings</c> (the shape OpenAI, Ollama, vLLM and TEI accept).</summary>
/// <param name="Input">The texts. On the wire a single string or an array of strings; token-id arrays are refused.</param>
/// <param name="Model">The model name.</param>
/// <param name="EncodingFormat"><c>float</c> (default): vectors as JSON number arrays; <c>base64</c>: each vector as the
/// base64 of its little-endian float32 bytes.</param>
/// <param name="Dimensions">The number of components asked for (models that can shorten their output), or null.</param>
/// <param name="User">An end-user id for the provider's abuse monitoring, or null.</param>
public sealed record EmbeddingsRequest(
    [property: JsonPropertyName("input"), JsonConverter(typeof(EmbeddingInputConverter))] IReadOnlyList<string>? Input,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("encoding_format"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? EncodingFormat = null,
    [property: JsonPropertyName("dimensions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    int? Dimensions = null,
    [property: JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? User = null)
{
    /// <summary>The <see cref="EncodingFormat"/> for JSON number arrays.</summary>
    public const string FloatFormat = "float";

    /// <summary>The <see cref="EncodingFormat"/> for base64 float32 bytes.</summary>
    public const string Base64Format = "base64";
}

/// <summary>Answer of <c>POST /v1/embeddings</c>.</summary>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">One entry per input text.</param>
/// <param name="Model">The model that embedded them.</param>
/// <param name="Usage">Token counts, when the server reports them.</param>
public sealed record EmbeddingsResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingData>? Data,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("usage")] EmbeddingsUsage? Usage);

/// <summary>One vector of an <see cref="EmbeddingsResponse"/>.</summary>
/// <param name="Object">Always <c>embedding</c>.</param>
/// <param name="Index">The position of its text in the request's input.</param>
/// <param name="Embedding">The vector.</param>
public sealed record EmbeddingData(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] EmbeddingValue Embedding);

/// <summary>Token counts of an embeddings call.</summary>
/// <param name="PromptTokens">Tokens of the inputs.</param>
/// <param name="TotalTokens">All tokens billed.</param>
public sealed record EmbeddingsUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

/// <summary>A vector as it travels: a JSON number array, or (<see cref="AsBase64"/>) the base64 of its little-endian
/// float32 bytes. Reading accepts both forms.</summary>
/// <param name="Vector">The components.</param>
/// <param name="AsBase64">Whether it is written as base64.</param>
[JsonConverter(typeof(EmbeddingValueConverter))]
public readonly record struct EmbeddingValue(float[] Vector, bool AsBase64 = false);

/// <summary>Reads an embeddings input given as one string or an array of strings; refuses token-id arrays.</summary>
public sealed class EmbeddingInputConverter : JsonConverter<IReadOnlyList<string>>
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return [reader.GetString()!];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("input must be a string or an array of strings.");
        }

        var texts = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            texts.Add(reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number or JsonTokenType.StartArray =>
                    throw new JsonException("input as token ids is not supported: send the texts."),
                _ => throw new JsonException("input must be a string or an array of strings."),
            });
        }

        return texts;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var text in value)
        {
            writer.WriteStringValue(text);
        }

        writer.WriteEndArray();
    }
}

/// <summary>Reads and writes <see cref="EmbeddingValue"/>.</summary>
public sealed class EmbeddingValueConverter : JsonConverter<EmbeddingValue>
{
    /// <inheritdoc />
    public override EmbeddingValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var bytes = reader.GetBytesFromBase64();
            if (bytes.Length % sizeof(float) != 0)
            {
                throw new JsonException($"A base64 embedding of {bytes.Length} bytes is not a whole number of float32 values.");
            }

            var vector = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            if (!BitConverter.IsLittleEndian)
            {
                var raw = MemoryMarshal.Cast<float, int>(vector.AsSpan());
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw, raw);
            }

            return new EmbeddingValue(vector, AsBase64: true);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("embedding must be an array of numbers or a base64 string.");
        }

        var values = new List<float>(1024);
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            values.Add(reader.GetSingle());
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("embedding must be an array of numbers.");
        }

        return new EmbeddingValue([.. values]);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, EmbeddingValue value, JsonSerializerOptions options)
    {
        if (value.AsBase64)
        {
            var bytes = new byte[value.Vector.Length * sizeof(float)];
            MemoryMarshal.AsBytes(value.Vector.AsSpan()).CopyTo(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                var raw = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw, raw);
            }

            writer.WriteBase64StringValue(bytes);
            return;
        }

        writer.WriteStartArray();
        foreach (var component in value.Vector)
        {
            writer.WriteNumberValue(component);
        }

        writer.WriteEndArray();
    }
}

/// <summary>Source-generated JSON metadata of the embeddings wire types.</summary>
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(EmbeddingsResponse))]
[JsonSerializable(typeof(ModelList))]
public sealed partial class OpenAiJsonContext : JsonSerializerContext;

/// <summary>Answer of <c>GET /v1/models</c>.</summary>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">The models served.</param>
public sealed record ModelList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelInfo> Data);

/// <summary>One model of <see cref="ModelList"/>.</summary>
/// <param name="Id">The model name to send as <c>model</c>.</param>
/// <param name="Object">Always <c>model</c>.</param>
/// <param name="Created">Unix seconds when the model was made available.</param>
/// <param name="OwnedBy">Who serves it.</param>
public sealed record ModelInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);
