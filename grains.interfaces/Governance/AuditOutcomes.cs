namespace MemOS.Grains.Interfaces.Governance;

/// <summary>The outcomes an <see cref="AuditEntry"/> records.</summary>
public static class AuditOutcomes
{
    /// <summary>Done.</summary>
    public const string Ok = "ok";

    /// <summary>Refused: the caller lacks the right.</summary>
    public const string Denied = "denied";

    /// <summary>The target does not exist.</summary>
    public const string NotFound = "not_found";

    /// <summary>A version or state conflict; nothing changed.</summary>
    public const string Conflict = "conflict";

    /// <summary>Invalid input; nothing changed.</summary>
    public const string Invalid = "invalid";

    /// <summary>Another failure; nothing changed (all-or-nothing operations) or what changed is in the detail.</summary>
    public const string Failed = "failed";

    /// <summary>The principal the silo's own work (sweeps, fusion, expiry) is recorded under.</summary>
    public const string SystemPrincipal = "system";
}
