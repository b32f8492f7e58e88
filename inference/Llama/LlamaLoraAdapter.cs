using System.Text;
using MemOS.Inference.Llama.Native;
using MemOS.Inference.Lora;

namespace MemOS.Inference.Llama;

/// <summary>A LoRA adapter (a GGUF file <see cref="LoraAdapterFile"/> wrote) loaded by llama.cpp for one
/// <see cref="LlamaModel"/>; apply it to that model's contexts with <see cref="LlamaContext.SetLoraAdapters"/>.</summary>
/// <remarks>Thread-safe. Dispose it when done; contexts that still use it keep it alive until they are disposed or
/// their adapters are replaced, and it keeps its model alive in turn.</remarks>
public sealed unsafe class LlamaLoraAdapter : IDisposable
{
    private readonly LlamaLoraAdapterHandle _handle;
    private volatile bool _disposed;

    private LlamaLoraAdapter(LlamaModel model, string path, string baseModelSha256, LlamaLoraAdapterHandle handle)
    {
        Model = model;
        Path = path;
        BaseModelSha256 = baseModelSha256;
        _handle = handle;
    }

    /// <summary>The model the adapter was loaded for.</summary>
    public LlamaModel Model { get; }

    /// <summary>The full path of the adapter file.</summary>
    public string Path { get; }

    /// <summary>The base model SHA-256 the adapter records (<see cref="LoraAdapterFile.BaseModelSha256Key"/>), equal to
    /// <see cref="LlamaModel.Sha256"/> of <see cref="Model"/>.</summary>
    public string BaseModelSha256 { get; }

    /// <summary>Loads an adapter for a model, after checking that it was made for exactly that model.</summary>
    /// <param name="model">The base model.</param>
    /// <param name="path">The GGUF LoRA file.</param>
    /// <returns>The adapter; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="LoraAdapterMismatchException">The adapter's base model SHA-256 is not the model's; the message
    /// names both.</exception>
    /// <exception cref="LlamaException">The file does not exist, is not a MemOS LoRA adapter (no base model hash), or
    /// llama.cpp rejected it (the message gives llama.cpp's error, for example a tensor of the wrong shape).</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public static LlamaLoraAdapter Load(LlamaModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new LlamaException($"The LoRA adapter file {full} does not exist.");
        }

        string expected;
        try
        {
            expected = LoraAdapterFile.ReadBaseModelSha256(full);
        }
        catch (Exception exception) when (exception is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new LlamaException($"The file {full} is not a MemOS LoRA adapter: {exception.Message}", false, exception);
        }

        var actual = model.Sha256;
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new LoraAdapterMismatchException(full, expected, actual, model.Path);
        }

        var modelHandle = model.Handle;
        using var lease = new HandleLease(modelHandle);
        LlamaLog.ClearLastError();
        var handle = LlamaNative.llama_adapter_lora_init(modelHandle, full);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new LlamaException($"llama.cpp could not load the LoRA adapter {full}{LlamaLog.LastErrorSuffix()}");
        }

        handle.KeepModelAlive(modelHandle);
        return new LlamaLoraAdapter(model, full, expected, handle);
    }

    /// <summary>A scalar metadata value of the adapter file, as llama.cpp renders it to text (arrays are left out).</summary>
    /// <param name="key">The GGUF key, for example <c>adapter.lora.alpha</c>.</param>
    /// <returns>The value, or <see langword="null"/> when the file has no such scalar key.</returns>
    /// <exception cref="ObjectDisposedException">The adapter is disposed.</exception>
    public string? GetMetadata(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var lease = new HandleLease(Handle);
        Span<byte> buffer = stackalloc byte[512];
        int length;
        fixed (byte* pointer = buffer)
        {
            length = LlamaNative.llama_adapter_meta_val_str(_handle, key, pointer, (nuint)buffer.Length);
        }

        if (length < 0)
        {
            return null;
        }

        if (length < buffer.Length)
        {
            return Encoding.UTF8.GetString(buffer[..length]);
        }

        var large = new byte[length + 1];
        fixed (byte* pointer = large)
        {
            length = LlamaNative.llama_adapter_meta_val_str(_handle, key, pointer, (nuint)large.Length);
        }

        return length < 0 ? null : Encoding.UTF8.GetString(large, 0, Math.Min(length, large.Length - 1));
    }

    /// <summary>Frees the adapter (once no context uses it).</summary>
    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }

    /// <summary>The native handle, for contexts.</summary>
    /// <exception cref="ObjectDisposedException">The adapter is disposed.</exception>
    internal LlamaLoraAdapterHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle;
        }
    }
}
