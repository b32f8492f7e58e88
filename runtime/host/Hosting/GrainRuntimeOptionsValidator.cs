using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Hosting;

/// <summary>Checks <see cref="GrainRuntimeOptions"/>; each message names the offending field.</summary>
internal sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        var failures = new List<string>();
        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(GrainRuntimeOptions.IdleTimeout)} must be positive (got {options.IdleTimeout}).");
        }

        if (options.CollectionInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(GrainRuntimeOptions.CollectionInterval)} must be positive (got {options.CollectionInterval}).");
        }

        if (options.DeactivationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(GrainRuntimeOptions.DeactivationTimeout)} must be positive (got {options.DeactivationTimeout}).");
        }

        if (options.StateSerializerOptions is null)
        {
            failures.Add($"{nameof(GrainRuntimeOptions.StateSerializerOptions)} is required.");
        }

        if (options.CallSerializerOptions is null)
        {
            failures.Add($"{nameof(GrainRuntimeOptions.CallSerializerOptions)} is required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
