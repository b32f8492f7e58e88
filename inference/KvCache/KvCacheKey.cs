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
        if (modelSha256.Length != 64 || !modelSha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
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

    internal static string ComputeId(string modelSha256, string template, string tokensSha256)
    {
        var text = $"memos-kv/1\0{modelSha256}\0{template}\0{tokensSha256}\0";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
