using MemOS.Inference.Generation;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Hosting;

/// <summary>Checks <see cref="InferenceOptions"/> at start; each failure names its setting.</summary>
internal sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var failures = new List<string>();
        void Require(bool ok, string setting, string rule)
        {
            if (!ok)
            {
                failures.Add($"{InferenceOptions.SectionName}:{setting} {rule}");
            }
        }

        if (options.ModelPath is { } path)
        {
            Require(!string.IsNullOrWhiteSpace(path) && File.Exists(Path.GetFullPath(path)), nameof(options.ModelPath),
                $"names '{path}', which is not a file (a GGUF generation model; unset it to run without chat and activation memory).");
        }

        Require(options.Threads >= 0, nameof(options.Threads), "must be 0 (one per core) or more.");
        Require(options.ContextTokens >= 0, nameof(options.ContextTokens), "must be 0 (the model's training context) or more.");
        Require(options.BatchTokens >= 1, nameof(options.BatchTokens), "must be at least 1.");
        Require(options.PrecomputeMaxBatch is >= 1 and <= 256, nameof(options.PrecomputeMaxBatch), "must be 1-256.");
        Require(options.KvCacheMaxBytes >= 1, nameof(options.KvCacheMaxBytes), "must be at least 1 byte.");
        Require(options.KvCacheDirectory is null || !string.IsNullOrWhiteSpace(options.KvCacheDirectory), nameof(options.KvCacheDirectory),
            "must name a folder when set.");
        Require(PromptTemplate.Find(options.PromptTemplate) is not null, nameof(options.PromptTemplate),
            $"must be one of: {string.Join(", ", PromptTemplate.BuiltIn.Select(t => t.Name))}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
