using System.Security.Cryptography;
using System.Text;

namespace MemOS.Runtime.Cluster;

/// <summary>The secret that silos present to each other on the internal routes (header
/// <see cref="ClusterOptions.SecretHeader"/>): <see cref="ClusterOptions.Secret"/>, or the one kept in the database,
/// set when the silo joins.</summary>
public sealed class ClusterSecret
{
    private volatile string? _value;

    /// <summary>The secret, or <see langword="null"/> before the silo joined a multi-silo cluster (then every
    /// presented secret is refused).</summary>
    public string? Value => _value;

    /// <summary>Whether <paramref name="presented"/> is the secret, compared in constant time.</summary>
    /// <param name="presented">The header value, or null.</param>
    /// <returns><see langword="true"/> when a secret is set and equals it.</returns>
    public bool Matches(string? presented)
    {
        var value = _value;
        return value is not null && presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(presented));
    }

    internal void Set(string value) => _value = value;
}
