using System.Security.Cryptography;
using MemOS.Inference.Gguf;

namespace MemOS.Inference.Lora;

/// <summary>Merges a LoRA adapter into its base model's weights, writing a new GGUF model that needs no adapter.</summary>
public static class LoraMerge
{
    /// <summary>Writes a copy of the base model with each target weight replaced by <c>W' = W + s·B·A</c>,
    /// <c>s = scale · alpha / rank</c>; every other tensor and every metadata pair is copied unchanged.</summary>
    /// <param name="baseModelPath">The base model GGUF, the file the adapter was made for (its SHA-256 is checked).</param>
    /// <param name="adapter">The adapter.</param>
    /// <param name="outputPath">The merged model GGUF (replaced; written under a temporary name first).</param>
    /// <param name="scale">The adapter scale, as llama.cpp's run-time scale. Default 1.</param>
    /// <remarks>The sum is computed in 32-bit floats and stored in the target's own type (an F16 weight is rounded back
    /// to F16). Tensors are rewritten as F32 or F16, so the base model may hold no quantized tensors.</remarks>
    /// <exception cref="ArgumentException">A path is empty, or the output is the base model.</exception>
    /// <exception cref="LoraAdapterMismatchException">The base model's SHA-256 is not the adapter's.</exception>
    /// <exception cref="FormatException">The base model is not GGUF, lacks a target tensor, or a target's shape differs.</exception>
    /// <exception cref="NotSupportedException">The base model has a quantized tensor.</exception>
    /// <exception cref="IOException">Reading or writing failed.</exception>
    public static void MergeIntoBase(string baseModelPath, LoraAdapter adapter, string outputPath, float scale = 1f)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseModelPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        ArgumentNullException.ThrowIfNull(adapter);
        var input = Path.GetFullPath(baseModelPath);
        var output = Path.GetFullPath(outputPath);
        if (string.Equals(input, output, StringComparison.Ordinal))
        {
            throw new ArgumentException("The merged model cannot overwrite its base model.", nameof(outputPath));
        }

        using var file = GgufFile.Open(input);
        var sha256 = Sha256(input);
        if (sha256 != adapter.BaseModelSha256)
        {
            throw new LoraAdapterMismatchException("being merged", adapter.BaseModelSha256, sha256, input);
        }

        var targets = adapter.Targets.ToDictionary(t => t.TensorName, StringComparer.Ordinal);
        foreach (var target in adapter.Targets)
        {
            var tensor = file.FindTensor(target.TensorName)
                ?? throw new FormatException($"The base model {input} has no tensor {target.TensorName}.");
            if (tensor.Shape.Count != 2 || tensor.Shape[0] != target.InputLength || tensor.Shape[1] != target.OutputLength)
            {
                throw new FormatException(
                    $"The tensor {target.TensorName} has shape [{string.Join(", ", tensor.Shape)}]; the adapter expects [{target.InputLength}, {target.OutputLength}].");
            }
        }

        var writer = new GgufWriter(file.Alignment);
        foreach (var key in file.Keys)
        {
            if (key != "general.alignment")
            {
                writer.Add(key, file.Metadata[key]);
            }
        }

        var factor = adapter.Factor(scale);
        foreach (var tensor in file.Tensors)
        {
            var type = tensor.ElementType ?? throw new NotSupportedException(
                $"The base model's tensor {tensor.Name} is quantized (ggml type {tensor.GgmlType}); merging needs F32 or F16 weights.");
            var info = tensor;
            var shape = tensor.Shape.ToArray();
            float[]? data = null;

            // Tensors are read when the writer asks for them, so at most one is held at a time.
            writer.AddTensor(tensor.Name, type, shape, (offset, span) =>
            {
                if (offset == 0 || data is null)
                {
                    data = file.ReadTensor(info);
                    if (targets.TryGetValue(info.Name, out var target))
                    {
                        target.AddTo(data, factor);
                    }
                }

                data.AsSpan((int)offset, span.Length).CopyTo(span);
                if (offset + span.Length == data.Length)
                {
                    data = null;
                }
            });
        }

        var temporary = $"{output}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                writer.Write(stream);
            }

            File.Move(temporary, output, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The lower-case hex SHA-256 of a file (as <c>LlamaModel.Sha256</c> computes it).</summary>
    /// <param name="path">The file.</param>
    /// <returns>64 hex digits.</returns>
    /// <exception cref="IOException">Reading failed.</exception>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
