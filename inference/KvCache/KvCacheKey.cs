using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace MemOS.Inference.KvCache;

/// <summary>What a KV cache is a cache of: a model file, a prompt template and the token ids the template rendered.
/// Its <see cref="Id"/> names the entry in a <see cref="KvCacheStore"/>, so changing any of the three (a new model, a
/// new template version, a new version of the memory's text) gives another entry.</summary>
public sealed class KvCacheKey : IEquatable<KvCacheKey>
{
    /// <summary>Creates a key.</summary>
    /// <param name="modelSha256">The lower-case hex SHA-256 of the model file (<see cref="Llama.LlamaModel.Sha256"/>).</param>
    /// <param name="template">The prompt template's name and version (for example <c>memory-block/v1</c>); any text,
    /// possibly empty.</param>
    /// <param name="tokens">The token ids, at least one.</param>
    /// <exception cref="ArgumentException"><paramref name="modelSha256"/> is not 64 lower-case hex digits, or
    /// <paramref name="tokens"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="template"/> is null.</exception>
    public KvCacheKey(string modelSha256, string template, ReadOnlySpan<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(modelSha256);
        ArgumentNullException.ThrowIfNull(template);
        if (!IsSha256(modelSha256))
        {
            throw new ArgumentException("The model hash is a SHA-256 in 64 lower-case hex digits.", nameof(modelSha256));
        }

        if (tokens.IsEmpty)
        {
            throw new ArgumentException("A KV cache covers at least one token.", nameof(tokens));
        }

        ModelSha256 = modelSha256;
        Template = template;
        TokenCount = tokens.Length;
        TokensSha256 = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(tokens)));
        Id = ComputeId(modelSha256, template, TokensSha256);
    }

    /// <summary>Rebuilds a key recorded elsewhere (an activation MemCube's metadata, a <see cref="KvCacheEntry"/>) from
    /// its parts, without the tokens: enough to find, read or remove its entry.</summary>
    /// <param name="modelSha256">The model file's SHA-256, 64 lower-case hex digits.</param>
    /// <param name="template">The prompt template's name and version.</param>
    /// <param name="tokenCount">The number of tokens, at least 1.</param>
    /// <param name="tokensSha256">The tokens' SHA-256 (<see cref="TokensSha256"/>), 64 lower-case hex digits.</param>
    /// <exception cref="ArgumentException">A hash is not 64 lower-case hex digits.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenCount"/> is below 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="template"/> is null.</exception>
    public KvCacheKey(string modelSha256, string template, int tokenCount, string tokensSha256)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenCount, 1);
        if (!IsSha256(modelSha256))
        {
            throw new ArgumentException("The model hash is a SHA-256 in 64 lower-case hex digits.", nameof(modelSha256));
        }

        if (!IsSha256(tokensSha256))
        {
            throw new ArgumentException("The tokens' hash is a SHA-256 in 64 lower-case hex digits.", nameof(tokensSha256));
        }

        ModelSha256 = modelSha256;
        Template = template;
        TokenCount = tokenCount;
        TokensSha256 = tokensSha256;
        Id = ComputeId(modelSha256, template, tokensSha256);
    }

    /// <summary>The model file's SHA-256 (lower-case hex).</summary>
    public string ModelSha256 { get; }

    /// <summary>The prompt template's name and version.</summary>
    public string Template { get; }

    /// <summary>The number of tokens.</summary>
    public int TokenCount { get; }

    /// <summary>The SHA-256 (lower-case hex) of the token ids as little-endian 32-bit integers.</summary>
    public string TokensSha256 { get; }

    /// <summary>The entry's id: the lower-case hex SHA-256 of <c>"memos-kv/1"</c>, the model hash, the template and the
    /// tokens' hash, each followed by a zero byte.</summary>
    public string Id { get; }

    /// <inheritdoc />
    public bool Equals(KvCacheKey? other) => other is not null && Id == other.Id;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as KvCacheKey);

    /// <inheritdoc />
    public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Id[..12]} ({TokenCount} tokens, template {Template}, model {ModelSha256[..8]})";

    private static bool IsSha256(string? hex)
        => hex is { Length: 64 } && hex.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));

    internal static string ComputeId(string modelSha256, string template, string tokensSha256)
    {
        var text = $"memos-kv/1\0{modelSha256}\0{template}\0{tokensSha256}\0";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
