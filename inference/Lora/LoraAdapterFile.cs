using MemOS.Inference.Gguf;

namespace MemOS.Inference.Lora;

/// <summary>Writes and reads <see cref="LoraAdapter"/>s as GGUF LoRA files, the format llama.cpp's
/// <c>llama_adapter_lora_init</c> loads.</summary>
/// <remarks>
/// <para>The file (llama.cpp's <c>llama-adapter.cpp</c> and <c>convert_lora_to_gguf.py</c>): <c>general.type</c> =
/// <c>adapter</c>, <c>general.architecture</c> = the base model's, <c>adapter.type</c> = <c>lora</c>,
/// <c>adapter.lora.alpha</c> (float32); per target the tensors <c>&lt;name&gt;.lora_a</c> (ggml <c>ne = [in, rank]</c>)
/// and <c>&lt;name&gt;.lora_b</c> (<c>ne = [rank, out]</c>).</para>
/// <para>MemOS's own keys, which llama.cpp ignores: <see cref="BaseModelSha256Key"/>, <see cref="RankKey"/>,
/// <see cref="TargetsKey"/> (string array), and, when set, <see cref="ProvenanceKey"/> and <see cref="TrainingKey"/>
/// (JSON strings).</para>
/// </remarks>
public static class LoraAdapterFile
{
    /// <summary>The key of the base model file's SHA-256 (lower-case hex string).</summary>
    public const string BaseModelSha256Key = "memos.lora.base_model_sha256";

    /// <summary>The key of the rank (uint32).</summary>
    public const string RankKey = "memos.lora.rank";

    /// <summary>The key of the target tensor names (string array, in order).</summary>
    public const string TargetsKey = "memos.lora.targets";

    /// <summary>The key of the provenance JSON (string).</summary>
    public const string ProvenanceKey = "memos.lora.provenance";

    /// <summary>The key of the training JSON (string).</summary>
    public const string TrainingKey = "memos.lora.training";

    /// <summary>Writes an adapter to a file (replacing it).</summary>
    /// <param name="adapter">The adapter.</param>
    /// <param name="path">The GGUF file.</param>
    /// <param name="tensorType">The element type of the A and B tensors. Default F32.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">Writing failed.</exception>
    public static void Write(LoraAdapter adapter, string path, GgufTensorType tensorType = GgufTensorType.F32)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(adapter, stream, tensorType);
    }

    /// <summary>Writes an adapter to a stream.</summary>
    /// <param name="adapter">The adapter.</param>
    /// <param name="output">Where the GGUF file goes (left open).</param>
    /// <param name="tensorType">The element type of the A and B tensors. Default F32.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="IOException">Writing failed.</exception>
    public static void Write(LoraAdapter adapter, Stream output, GgufTensorType tensorType = GgufTensorType.F32)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new GgufWriter();
        writer.AddString("general.type", "adapter");
        writer.AddString("general.architecture", adapter.Architecture);
        writer.AddString("adapter.type", "lora");
        writer.AddFloat32("adapter.lora.alpha", adapter.Alpha);
        writer.AddString(BaseModelSha256Key, adapter.BaseModelSha256);
        writer.AddUInt32(RankKey, (uint)adapter.Rank);
        writer.AddStringArray(TargetsKey, adapter.Targets.Select(t => t.TensorName).ToArray());
        if (adapter.Provenance is { } provenance)
        {
            writer.AddString(ProvenanceKey, provenance);
        }

        if (adapter.Training is { } training)
        {
            writer.AddString(TrainingKey, training);
        }

        foreach (var target in adapter.Targets)
        {
            writer.AddTensor(target.ATensorName, tensorType, [target.InputLength, target.Rank], Copy(target.A));
            writer.AddTensor(target.BTensorName, tensorType, [target.Rank, target.OutputLength], Copy(target.B));
        }

        writer.Write(output);
    }

    /// <summary>Reads an adapter this class wrote.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not GGUF, not a LoRA adapter, lacks MemOS's keys, or its tensors
    /// do not match them (the message says which).</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static LoraAdapter Read(string path)
    {
        using var file = GgufFile.Open(path);
        return Read(file);
    }

    /// <summary>Reads an adapter from an open GGUF file.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="FormatException">The file is not a LoRA adapter, lacks MemOS's keys, or its tensors do not
    /// match them (the message says which).</exception>
    public static LoraAdapter Read(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Metadata.GetValueOrDefault("general.type")?.Value as string != "adapter"
            || file.Metadata.GetValueOrDefault("adapter.type")?.Value as string != "lora")
        {
            throw new FormatException("The GGUF file is not a LoRA adapter (general.type \"adapter\", adapter.type \"lora\").");
        }

        var architecture = String(file, "general.architecture");
        var sha256 = String(file, BaseModelSha256Key);
        var alpha = Get(file, "adapter.lora.alpha", v => v.AsFloat32());
        var rankValue = Get(file, RankKey, v => v.AsUInt64());
        if (rankValue is < 1 or > int.MaxValue)
        {
            throw new FormatException($"{RankKey} is {rankValue}.");
        }

        var rank = (int)rankValue;
        var names = Get(file, TargetsKey, v => v.AsStringArray());
        var targets = new List<LoraTarget>(names.Count);
        foreach (var name in names)
        {
            var a = file.FindTensor(name + ".lora_a") ?? throw new FormatException($"The adapter has no tensor {name}.lora_a.");
            var b = file.FindTensor(name + ".lora_b") ?? throw new FormatException($"The adapter has no tensor {name}.lora_b.");
            if (a.Shape.Count != 2 || b.Shape.Count != 2 || a.Shape[1] != rank || b.Shape[0] != rank
                || a.Shape[0] > int.MaxValue || b.Shape[1] > int.MaxValue)
            {
                throw new FormatException(
                    $"The tensors of {name} have shapes [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}]; " +
                    $"LoRA wants A [in, {rank}] and B [{rank}, out].");
            }

            try
            {
                targets.Add(new LoraTarget(name, (int)a.Shape[0], (int)b.Shape[1], rank, file.ReadTensor(a), file.ReadTensor(b)));
            }
            catch (ArgumentException exception)
            {
                throw new FormatException($"The target {name} is invalid: {exception.Message}", exception);
            }
        }

        try
        {
            return new LoraAdapter(architecture, sha256, rank, alpha, targets,
                Optional(file, ProvenanceKey), Optional(file, TrainingKey));
        }
        catch (ArgumentException exception)
        {
            throw new FormatException($"The adapter's metadata is invalid: {exception.Message}", exception);
        }
    }

    /// <summary>Reads only the base model SHA-256 an adapter file records (without its tensors).</summary>
    /// <param name="path">The GGUF adapter file.</param>
    /// <returns>The lower-case hex SHA-256.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not GGUF or has no <see cref="BaseModelSha256Key"/>.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static string ReadBaseModelSha256(string path)
    {
        using var file = GgufFile.Open(path);
        return String(file, BaseModelSha256Key).ToLowerInvariant();
    }

    private static string? Optional(GgufFile file, string key) => file.Metadata.ContainsKey(key) ? String(file, key) : null;

    private static GgufTensorFill Copy(float[] values) =>
        (offset, span) => values.AsSpan((int)offset, span.Length).CopyTo(span);

    private static GgufMetadataValue Value(GgufFile file, string key) =>
        file.Metadata.GetValueOrDefault(key) ?? throw new FormatException($"The adapter file has no {key}.");

    private static string String(GgufFile file, string key) => Get(file, key, v => v.AsString());

    private static T Get<T>(GgufFile file, string key, Func<GgufMetadataValue, T> read)
    {
        try
        {
            return read(Value(file, key));
        }
        catch (InvalidOperationException exception)
        {
            throw new FormatException($"{key}: {exception.Message}", exception);
        }
    }
}
