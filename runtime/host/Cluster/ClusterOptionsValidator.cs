using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Cluster;

/// <summary>Checks <see cref="ClusterOptions"/>; each message names the offending field.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var failures = new List<string>();
        foreach (var (field, value) in new[]
                 {
                     (nameof(ClusterOptions.HeartbeatInterval), options.HeartbeatInterval),
                     (nameof(ClusterOptions.DeathTimeout), options.DeathTimeout),
                     (nameof(ClusterOptions.CallTimeout), options.CallTimeout),
                     (nameof(ClusterOptions.NotifyTimeout), options.NotifyTimeout),
                     (nameof(ClusterOptions.DeadSiloRetention), options.DeadSiloRetention),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{ClusterOptions.SectionName}:{field} must be positive (got {value}).");
            }
        }

        if (options.HeartbeatInterval > TimeSpan.Zero && options.DeathTimeout < 2 * options.HeartbeatInterval)
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.DeathTimeout)} ({options.DeathTimeout}) must be at least twice " +
                         $"{nameof(ClusterOptions.HeartbeatInterval)} ({options.HeartbeatInterval}).");
        }

        if (options.Secret is { } secret && secret.Length < ClusterOptions.MinSecretLength)
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.Secret)} must be at least {ClusterOptions.MinSecretLength} characters.");
        }

        if (options.AdvertisedAddress is { } address && (!address.IsAbsoluteUri || address.Scheme is not ("http" or "https")))
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.AdvertisedAddress)} must be an absolute http or https URL (got {address}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
