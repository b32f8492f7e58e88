using Microsoft.Extensions.Options;

namespace MemOS.Silo.Hosting;

/// <summary>Checks <see cref="SiloOptions"/> at start.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{nameof(SiloOptions.DataDirectory)} must name a folder.");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"{nameof(SiloOptions.MaxRequestBodyBytes)} must be at least 1024 bytes.");
        }

        if (options.GrainIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(SiloOptions.GrainIdleTimeout)} must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
