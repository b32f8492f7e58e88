using Microsoft.Extensions.Options;

namespace MemOS.Grains.Parameters;

/// <summary>Checks <see cref="ParameterOptions"/>; each failure names its setting.</summary>
public sealed class ParameterOptionsValidator : IValidateOptions<ParameterOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ParameterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Require(bool ok, string setting, string rule)
        {
            if (!ok)
            {
                failures.Add($"{ParameterOptions.SectionName}:{setting} {rule}.");
            }
        }

        Require(options.MinAccessCount >= 1, nameof(options.MinAccessCount), "must be at least 1");
        Require(options.StableFor >= TimeSpan.Zero, nameof(options.StableFor), "must not be negative");
        Require(options.MinMemories >= 1, nameof(options.MinMemories), "must be at least 1");
        Require(options.MaxMemoriesPerAdapter >= 1, nameof(options.MaxMemoriesPerAdapter), "must be at least 1");
        Require(options.MinMemories <= options.MaxMemoriesPerAdapter, nameof(options.MinMemories),
            $"must not exceed {nameof(options.MaxMemoriesPerAdapter)}");
        Require(options.Rank is >= 1 and <= 64, nameof(options.Rank), "must be 1-64");
        Require(options.Alpha > 0 && float.IsFinite(options.Alpha), nameof(options.Alpha), "must be positive");
        Require(options.Steps is >= 1 and <= 10_000, nameof(options.Steps), "must be 1-10000");
        Require(options.LearningRate > 0 && double.IsFinite(options.LearningRate), nameof(options.LearningRate), "must be positive");
        Require(options.ChatScale >= 0 && float.IsFinite(options.ChatScale), nameof(options.ChatScale), "must not be negative");
        Require(options.MaxAdaptersPerChat >= 0, nameof(options.MaxAdaptersPerChat), "must not be negative");
        Require(!string.IsNullOrWhiteSpace(options.AdapterDirectory), nameof(options.AdapterDirectory), "must be set");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
