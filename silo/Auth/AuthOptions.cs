namespace MemOS.Silo.Auth;

/// <summary>Authentication settings, bound from <c>MemOS:Auth</c>; the cluster admin key also comes from the environment
/// variable <c>MEMOS_ADMIN_KEY</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Auth";

    /// <summary>The environment variable (a top-level configuration key) holding the cluster admin key.</summary>
    public const string AdminKeyVariable = "MEMOS_ADMIN_KEY";

    /// <summary>The shortest cluster admin key accepted, in characters.</summary>
    public const int MinAdminKeyLength = 24;

    /// <summary>The cluster admin key: the bearer of it creates tenants and acts as an admin in every tenant. When it is
    /// set, every <c>/v1</c> request needs <c>Authorization: Bearer &lt;key&gt;</c> (this key or a tenant API key). When
    /// it is not set, the silo runs in open mode: requests without a key act as the admin of the <c>default</c> tenant
    /// (one trusted application on 127.0.0.1, as <c>./memos serve</c> runs by default), and a silo that is not bound to a
    /// loopback address logs a warning.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Whether the silo requires keys (<see cref="AdminKey"/> is set).</summary>
    public bool RequiresKeys => !string.IsNullOrEmpty(AdminKey);
}
