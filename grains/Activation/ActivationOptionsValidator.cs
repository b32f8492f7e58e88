using Microsoft.Extensions.Options;

namespace MemOS.Grains.Activation;

/// <summary>Checks <see cref="ActivationOptions"/>; each failure names its setting.</summary>
public sealed class ActivationOptionsValidator : IValidateOptions<ActivationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ActivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Require(bool ok, string setting, string rule)
        {
            if (!ok)
            {
                failures.Add($"{ActivationOptions.SectionName}:{setting} {rule}.");
            }
        }

        Require(options.PromoteMinUses >= 1, nameof(options.PromoteMinUses), "must be at least 1");
        Require(options.UsageWindow > TimeSpan.Zero, nameof(options.UsageWindow), "must be positive");
        Require(options.StableFor >= TimeSpan.Zero, nameof(options.StableFor), "must not be negative");
        Require(options.DemoteAfterIdle > TimeSpan.Zero, nameof(options.DemoteAfterIdle), "must be positive");
        Require(options.PolicyInterval > TimeSpan.Zero, nameof(options.PolicyInterval), "must be positive");
        Require(options.MaxActivationsPerUser >= 1, nameof(options.MaxActivationsPerUser), "must be at least 1");
        Require(options.BatchSize >= 1, nameof(options.BatchSize), "must be at least 1");
        Require(options.BatchWindow > TimeSpan.Zero, nameof(options.BatchWindow), "must be positive");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
