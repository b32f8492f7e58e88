using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MemOS.Inference.Gguf;

/// <summary>Writes llama-architecture GGUF models with random weights (<see cref="SyntheticLlamaConfig"/>), which
/// llama.cpp loads and runs like trained ones: for timing prefill and KV-cache work where no real model of the wanted
/// size is at hand.</summary>
/// <remarks>
/// <para>The file is a standard llama model: <c>token_embd</c>, per layer <c>attn_norm</c>, <c>attn_q/k/v/output</c>,
/// <c>ffn_norm</c>, <c>ffn_gate/up/down</c>, then <c>output_norm</c> and <c>output</c>; RMS norm epsilon 1e-5, RoPE base
/// 10000 over the whole head. Matrix weights are uniform with standard deviation
/// <see cref="SyntheticLlamaConfig.WeightScale"/> (GPT-2's initialization scale), norm weights are 1. Weight i of a
/// tensor is a SplitMix64 hash of (seed, tensor index, i), so the bytes depend on the config only.</para>
/// <para>The vocabulary is a self-contained SentencePiece ("llama") one: <c>&lt;unk&gt;</c> 0, <c>&lt;s&gt;</c> 1,
/// <c>&lt;/s&gt;</c> 2, the 256 byte tokens <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c> (so any text tokenizes, by byte
/// fallback), then lower-case letter pieces <c>▁a</c>, <c>a</c>, <c>▁b</c>, ... in order of length.</para>
/// </remarks>
public static class SyntheticLlamaModel
{
    /// <summary>The <c>general.description</c> written into every file.</summary>
    public const string Description = "MemOS synthetic llama model: random weights, for timing only (its output is meaningless).";

    private const int SpecialTokens = 3;
    private const int ByteTokens = 256;

    /// <summary>The file name a config is cached under: its size, a hash of the config and the type, for example
    /// <c>synthetic-llama-97.5m-1a2b3c4d-f16.gguf</c>.</summary>
    /// <param name="config">The config.</param>
    /// <returns>The file name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public static string FileName(SyntheticLlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(config.ToString()));
        var millions = (config.ParameterCount / 1e6).ToString("0.#", CultureInfo.InvariantCulture);
        return $"synthetic-llama-{millions}m-{Convert.ToHexStringLower(hash)[..8]}-{config.TensorType.ToString().ToLowerInvariant()}.gguf";
    }

    /// <summary>Returns the cached model file for a config, writing it first when the cache does not have it.</summary>
    /// <param name="config">The config.</param>
    /// <param name="cacheDirectory">The folder of cached models (created when absent), for example
    /// <c>.artifacts/models</c>.</param>
    /// <returns>The full path of the GGUF file.</returns>
    /// <remarks>The file is written under a temporary name and renamed into place, so a file with the final name is
    /// always complete, and concurrent callers at worst both write it.</remarks>
    /// <exception cref="ArgumentException"><paramref name="cacheDirectory"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The config is invalid (<see cref="SyntheticLlamaConfig.Validate"/>).</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static string GetOrCreate(SyntheticLlamaConfig config, string cacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        config.Validate();
        Directory.CreateDirectory(cacheDirectory);
        var path = Path.GetFullPath(Path.Combine(cacheDirectory, FileName(config)));
        if (File.Exists(path))
        {
            return path;
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Write(config, stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return path;
    }

    /// <summary>Writes the model.</summary>
    /// <param name="config">The config.</param>
    /// <param name="output">Where the GGUF file goes (left open).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The config is invalid (<see cref="SyntheticLlamaConfig.Validate"/>).</exception>
    /// <exception cref="IOException">Writing failed.</exception>
    public static void Write(SyntheticLlamaConfig config, Stream output)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(output);
        config.Validate();
        var writer = new GgufWriter();
        long e = config.EmbeddingLength, f = config.FeedForwardLength, v = config.VocabularySize;
        var headSize = config.EmbeddingLength / config.Heads;
        var kv = (long)headSize * config.KvHeads;

        writer.AddString("general.architecture", "llama");
        writer.AddString("general.name", Path.GetFileNameWithoutExtension(FileName(config)));
        writer.AddString("general.description", Description);
        writer.AddUInt32("general.file_type", config.TensorType == GgufTensorType.F32 ? 0u : 1u); // LLAMA_FTYPE_ALL_F32 / MOSTLY_F16
        writer.AddUInt32("llama.context_length", (uint)config.ContextLength);
        writer.AddUInt32("llama.embedding_length", (uint)e);
        writer.AddUInt32("llama.block_count", (uint)config.Layers);
        writer.AddUInt32("llama.feed_forward_length", (uint)f);
        writer.AddUInt32("llama.attention.head_count", (uint)config.Heads);
        writer.AddUInt32("llama.attention.head_count_kv", (uint)config.KvHeads);
        writer.AddUInt32("llama.rope.dimension_count", (uint)headSize);
        writer.AddFloat32("llama.rope.freq_base", 10000f);
        writer.AddFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        writer.AddUInt32("llama.vocab_size", (uint)v);
        AddVocabulary(writer, config.VocabularySize);

        var tensor = 0;
        void Matrix(string name, long columns, long rows) =>
            writer.AddTensor(name, config.TensorType, [columns, rows], RandomFill(config, tensor++));
        void Norm(string name) => writer.AddTensor(name, GgufTensorType.F32, [e], static (_, span) => span.Fill(1f));

        Matrix("token_embd.weight", e, v);
        for (var layer = 0; layer < config.Layers; layer++)
        {
            Norm($"blk.{layer}.attn_norm.weight");
            Matrix($"blk.{layer}.attn_q.weight", e, e);
            Matrix($"blk.{layer}.attn_k.weight", e, kv);
            Matrix($"blk.{layer}.attn_v.weight", e, kv);
            Matrix($"blk.{layer}.attn_output.weight", e, e);
            Norm($"blk.{layer}.ffn_norm.weight");
            Matrix($"blk.{layer}.ffn_gate.weight", e, f);
            Matrix($"blk.{layer}.ffn_up.weight", e, f);
            Matrix($"blk.{layer}.ffn_down.weight", f, e);
        }

        Norm("output_norm.weight");
        Matrix("output.weight", e, v);
        writer.Write(output);
    }

    /// <summary>The vocabulary's pieces (see the remarks of this type).</summary>
    /// <param name="size">The vocabulary size, at least 260.</param>
    /// <returns>The token texts, by id.</returns>
    internal static string[] Pieces(int size)
    {
        var pieces = new string[size];
        pieces[0] = "<unk>";
        pieces[1] = "<s>";
        pieces[2] = "</s>";
        for (var b = 0; b < ByteTokens; b++)
        {
            pieces[SpecialTokens + b] = string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>");
        }

        var id = SpecialTokens + ByteTokens;
        pieces[id++] = "\u2581";
        for (long word = 0; id < size; word++)
        {
            var letters = Word(word);
            pieces[id++] = "\u2581" + letters;
            if (id < size)
            {
                pieces[id++] = letters;
            }
        }

        return pieces;
    }

    private static void AddVocabulary(GgufWriter writer, int size)
    {
        var pieces = Pieces(size);
        var scores = new float[size];
        var types = new int[size];
        types[0] = 2; // LLAMA_TOKEN_TYPE_UNKNOWN
        types[1] = types[2] = 3; // CONTROL
        for (var i = SpecialTokens; i < size; i++)
        {
            var isByte = i < SpecialTokens + ByteTokens;
            types[i] = isByte ? 6 : 1; // BYTE, NORMAL
            scores[i] = isByte ? 0f : -(i - SpecialTokens - ByteTokens); // earlier (shorter) pieces merge first
        }

        writer.AddString("tokenizer.ggml.model", "llama");
        writer.AddStringArray("tokenizer.ggml.tokens", pieces);
        writer.AddFloat32Array("tokenizer.ggml.scores", scores);
        writer.AddInt32Array("tokenizer.ggml.token_type", types);
        writer.AddUInt32("tokenizer.ggml.unknown_token_id", 0);
        writer.AddUInt32("tokenizer.ggml.bos_token_id", 1);
        writer.AddUInt32("tokenizer.ggml.eos_token_id", 2);
        writer.AddBool("tokenizer.ggml.add_bos_token", true);
        writer.AddBool("tokenizer.ggml.add_eos_token", false);
    }

    // The word of a given rank in the shortlex order of a..z strings: a, b, ..., z, aa, ab, ...
    private static string Word(long rank)
    {
        var length = 1;
        for (long count = 26; rank >= count; count *= 26)
        {
            rank -= count;
            length++;
        }

        var letters = new char[length];
        for (var i = length - 1; i >= 0; i--)
        {
            letters[i] = (char)('a' + (rank % 26));
            rank /= 26;
        }

        return new string(letters);
    }

    private static GgufTensorFill RandomFill(SyntheticLlamaConfig config, int tensor)
    {
        var key = Mix(config.Seed ^ Mix((ulong)tensor + 0x632BE59BD9B4E019UL));
        var half = config.WeightScale * MathF.Sqrt(3f); // uniform on [-a, a] has standard deviation a / sqrt(3)
        return (offset, span) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var bits = Mix(key + (ulong)(offset + i));
                var unit = (bits >> 40) * (1f / (1 << 24)); // [0, 1)
                span[i] = ((2 * unit) - 1) * half;
            }
        };
    }

    // SplitMix64's finalizer (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014).
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
