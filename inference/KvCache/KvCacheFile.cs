using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MemOS.Inference.KvCache;

/// <summary>The file of one KV cache entry.</summary>
/// <remarks>
/// Layout, little-endian:
/// <list type="table">
/// <item><term>0</term><description>magic <c>"MKVC"</c> (4 bytes)</description></item>
/// <item><term>4</term><description>format version, <c>uint32</c> (1)</description></item>
/// <item><term>8</term><description>header length H, <c>uint32</c> (at most 64 KiB)</description></item>
/// <item><term>12</term><description>XxHash64 of the header bytes, <c>uint64</c></description></item>
/// <item><term>20</term><description>the header: UTF-8 JSON of <see cref="KvCacheFileHeader"/></description></item>
/// <item><term>20 + H</term><description>the payload (the saved sequence state), <c>payload_bytes</c> long, whose
/// XxHash3 the header records</description></item>
/// </list>
/// A file is valid only if every part checks out and its length is exactly 20 + H + payload; anything else (a torn
/// or truncated write, a flipped bit) is a damaged entry, which the store treats as a miss and deletes. The last-used
/// time is the file's modification time.
/// </remarks>
internal static class KvCacheFile
{
    public const int PrefixBytes = 20;
    public const uint Version = 1;
    public const int MaxHeaderBytes = 64 << 10;

    private static ReadOnlySpan<byte> Magic => "MKVC"u8;

    /// <summary>Writes a whole entry file.</summary>
    public static void Write(Stream stream, KvCacheFileHeader header, ReadOnlySpan<byte> payload)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header, KvCacheJsonContext.Default.KvCacheFileHeader);
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], (uint)json.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(prefix[12..], XxHash64.HashToUInt64(json));
        stream.Write(prefix);
        stream.Write(json);
        stream.Write(payload);
    }

    /// <summary>Reads and checks a file's header (not its payload).</summary>
    /// <returns>The header, or <see langword="null"/> when the file is damaged.</returns>
    public static KvCacheFileHeader? ReadHeader(FileStream stream)
    {
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        if (stream.ReadAtLeast(prefix, PrefixBytes, throwOnEndOfStream: false) < PrefixBytes || !prefix[..4].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]) != Version)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (length is 0 or > MaxHeaderBytes)
        {
            return null;
        }

        var json = new byte[length];
        if (stream.ReadAtLeast(json, json.Length, throwOnEndOfStream: false) < json.Length
            || XxHash64.HashToUInt64(json) != BinaryPrimitives.ReadUInt64LittleEndian(prefix[12..]))
        {
            return null;
        }

        KvCacheFileHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(json, KvCacheJsonContext.Default.KvCacheFileHeader);
        }
        catch (JsonException)
        {
            return null;
        }

        return header is { PayloadBytes: >= 0, Id: not null, ModelSha256: not null, Template: not null, TokensSha256: not null }
            && stream.Length == PrefixBytes + length + header.PayloadBytes
                ? header
                : null;
    }

    /// <summary>Reads and checks the payload that follows the header.</summary>
    /// <returns>The payload, or <see langword="null"/> when it is damaged.</returns>
    public static byte[]? ReadPayload(FileStream stream, KvCacheFileHeader header)
    {
        if (header.PayloadBytes > Array.MaxLength)
        {
            return null;
        }

        var payload = GC.AllocateUninitializedArray<byte>((int)header.PayloadBytes);
        if (stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false) < payload.Length
            || XxHash3.HashToUInt64(payload) != header.PayloadXxHash3)
        {
            return null;
        }

        return payload;
    }
}

/// <summary>The JSON header of a KV cache entry file.</summary>
internal sealed record KvCacheFileHeader(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("model_sha256")] string ModelSha256,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("token_count")] int TokenCount,
    [property: JsonPropertyName("tokens_sha256")] string TokensSha256,
    [property: JsonPropertyName("payload_bytes")] long PayloadBytes,
    [property: JsonPropertyName("payload_xxhash3")] ulong PayloadXxHash3,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

/// <summary>Source-generated JSON for <see cref="KvCacheFileHeader"/>.</summary>
[JsonSerializable(typeof(KvCacheFileHeader))]
internal sealed partial class KvCacheJsonContext : JsonSerializerContext;
