using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

/// <summary>A GGUF model loaded by llama.cpp: its weights, vocabulary and metadata. Create contexts from it to run it.</summary>
/// <remarks>Thread-safe: the metadata is read at load, and llama.cpp's tokenizer is thread-safe. Dispose it when done;
/// contexts still open keep the native model alive until they are disposed too.</remarks>
public sealed unsafe partial class LlamaModel : IDisposable
{
    private static ReadOnlySpan<byte> GgufMagic => "GGUF"u8;

    private readonly LlamaModelHandle _handle;
    private readonly Lazy<string> _sha256;
    private volatile bool _disposed;

    private LlamaModel(string path, LlamaModelHandle handle)
    {
        _handle = handle;
        Path = path;
        _sha256 = new Lazy<string>(() => ComputeSha256(path), LazyThreadSafetyMode.ExecutionAndPublication);
        EmbeddingDimension = LlamaNative.llama_model_n_embd_out(handle);
        TrainingContextTokens = LlamaNative.llama_model_n_ctx_train(handle);
        LayerCount = LlamaNative.llama_model_n_layer(handle);
        ParameterCount = (long)LlamaNative.llama_model_n_params(handle);
        SizeBytes = (long)LlamaNative.llama_model_size(handle);
        HasEncoder = LlamaNative.llama_model_has_encoder(handle);
        Description = ReadString((buffer, size) => LlamaNative.llama_model_desc(handle, buffer, size)) ?? string.Empty;
        Metadata = ReadMetadata(handle);
        Architecture = Metadata.GetValueOrDefault("general.architecture") ?? string.Empty;
        Pooling = Metadata.TryGetValue($"{Architecture}.pooling_type", out var pooling)
            && int.TryParse(pooling, NumberStyles.Integer, CultureInfo.InvariantCulture, out var type)
            && Enum.IsDefined((LlamaPooling)type) && type >= 0
                ? (LlamaPooling)type
                : null;
        (VocabularySize, BosToken, EosToken, SeparatorToken, AddsBos, AddsEos, AddsSeparator) = ReadVocabulary(handle);
    }

    /// <summary>The full path of the GGUF file.</summary>
    public string Path { get; }

    /// <summary>The architecture the file names (<c>general.architecture</c>, for example <c>llama</c> or <c>bert</c>).</summary>
    public string Architecture { get; }

    /// <summary>llama.cpp's one-line description (type, size class, quantization), for example <c>llama ?B all F32</c>.</summary>
    public string Description { get; }

    /// <summary>The width of embeddings, pooled or per token: llama.cpp's <c>n_embd_out</c>, which is the hidden size
    /// <c>n_embd</c> except for the few models whose output width differs.</summary>
    public int EmbeddingDimension { get; }

    /// <summary>The context length the model was trained with, in tokens (<c>n_ctx_train</c>).</summary>
    public int TrainingContextTokens { get; }

    /// <summary>The number of transformer layers.</summary>
    public int LayerCount { get; }

    /// <summary>The number of parameters.</summary>
    public long ParameterCount { get; }

    /// <summary>The total size of the weight tensors, in bytes.</summary>
    public long SizeBytes { get; }

    /// <summary>Whether the model has an encoder (BERT-like and encoder-decoder models).</summary>
    public bool HasEncoder { get; }

    /// <summary>The pooling the file names (<c>&lt;arch&gt;.pooling_type</c>), or <see langword="null"/> when it names
    /// none (generative models).</summary>
    public LlamaPooling? Pooling { get; }

    /// <summary>Every scalar metadata pair of the file, as llama.cpp renders it to text (arrays are left out).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The lower-case hex SHA-256 of the file, computed on first use (it reads the whole file once: about a
    /// second per GB) and cached.</summary>
    /// <exception cref="LlamaException">The file can no longer be read.</exception>
    public string Sha256 => _sha256.Value;

    /// <summary>Loads a GGUF model.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="options">How to load it; <see langword="null"/> for the defaults.</param>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="LlamaException">The file does not exist, cannot be read, is not GGUF, or llama.cpp rejected it
    /// (the message names the file and gives llama.cpp's error); or the native libraries are missing.</exception>
    public static LlamaModel Load(string path, LlamaModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new LlamaModelOptions();
        var full = System.IO.Path.GetFullPath(path);
        CheckGgufFile(full);
        LlamaLibrary.Initialize();

        var parameters = LlamaNative.llama_model_default_params();
        parameters.GpuLayers = options.GpuLayers;
        parameters.CheckTensors = options.ValidateTensors ? (byte)1 : (byte)0;
        LlamaLog.ClearLastError();
        var handle = LlamaNative.llama_model_load_from_file(full, parameters);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new LlamaException($"llama.cpp could not load the model {full}{LlamaLog.LastErrorSuffix()}");
        }

        return new LlamaModel(full, handle);
    }

    /// <summary>A scalar metadata value by key (for example <c>general.name</c>).</summary>
    /// <param name="key">The GGUF key.</param>
    /// <returns>The value as text, or <see langword="null"/> when the file has no such scalar key.</returns>
    public string? GetMetadata(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Metadata.GetValueOrDefault(key);
    }

    /// <summary>Creates a context to run the model.</summary>
    /// <param name="options">Its sizes, threads and outputs; <see langword="null"/> for the defaults.</param>
    /// <returns>The context; the caller disposes it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">Pooled embeddings of several sequences without
    /// <see cref="LlamaContextOptions.UnifiedKvCache"/> (llama.cpp would pool them wrongly), or mean pooling of several
    /// sequences with a micro-batch that is not a multiple of their number (llama.cpp would abort the process).</exception>
    /// <exception cref="LlamaException">llama.cpp could not create it (for example out of memory).</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public LlamaContext CreateContext(LlamaContextOptions? options = null) => new(this, options ?? new LlamaContextOptions());

    /// <summary>The native handle, for contexts.</summary>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    internal LlamaModelHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle;
        }
    }

    /// <summary>Frees the model (once its last context is disposed too).</summary>
    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }

    // The handle stays open while a context holds it, so disposal is tracked here too.
    private HandleLease Lease()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new HandleLease(_handle);
    }

    private static void CheckGgufFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new LlamaException(Directory.Exists(path)
                ? $"The model path {path} is a directory, not a GGUF file."
                : $"The model file {path} does not exist.");
        }

        Span<byte> magic = stackalloc byte[4];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new LlamaException($"The model file {path} cannot be read: {exception.Message}", false, exception);
        }

        if (read < magic.Length || !magic.SequenceEqual(GgufMagic))
        {
            throw new LlamaException(
                $"The model file {path} is not a GGUF file (it does not start with the GGUF magic); llama.cpp loads only GGUF models.");
        }
    }

    private static string ComputeSha256(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new LlamaException($"The model file {path} cannot be read: {exception.Message}", false, exception);
        }
    }

    private static Dictionary<string, string> ReadMetadata(LlamaModelHandle handle)
    {
        var count = LlamaNative.llama_model_meta_count(handle);
        var metadata = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var key = ReadString((buffer, size) => LlamaNative.llama_model_meta_key_by_index(handle, index, buffer, size));
            var value = ReadString((buffer, size) => LlamaNative.llama_model_meta_val_str_by_index(handle, index, buffer, size));
            if (key is not null && value is not null)
            {
                metadata[key] = value;
            }
        }

        return metadata;
    }

    private delegate int StringReader(byte* buffer, nuint size);

    // llama.cpp's metadata getters return the full length (without the terminator) or -1, and truncate to the buffer.
    private static string? ReadString(StringReader reader)
    {
        Span<byte> small = stackalloc byte[256];
        int length;
        fixed (byte* buffer = small)
        {
            length = reader(buffer, (nuint)small.Length);
            if (length < 0)
            {
                return null;
            }

            if (length < small.Length)
            {
                return Encoding.UTF8.GetString(small[..length]);
            }
        }

        var large = new byte[length + 1];
        fixed (byte* buffer = large)
        {
            length = reader(buffer, (nuint)large.Length);
        }

        return length < 0 ? null : Encoding.UTF8.GetString(large, 0, Math.Min(length, large.Length - 1));
    }
}
