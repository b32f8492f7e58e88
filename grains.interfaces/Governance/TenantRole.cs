using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Governance;

/// <summary>The role of a user or agent in its tenant; it caps every right the principal has on any space.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TenantRole>))]
public enum TenantRole
{
    /// <summary>Reads the spaces it may read (its own private space and spaces granted to it); never writes.</summary>
    [JsonStringEnumMemberName("reader")]
    Reader,

    /// <summary>Reads and writes its own private space and the spaces granted to it; creates spaces (which it then
    /// administers).</summary>
    [JsonStringEnumMemberName("member")]
    Member,

    /// <summary>Every right on every space of the tenant; manages users, agents, keys and grants; reads the audit log.</summary>
    [JsonStringEnumMemberName("admin")]
    Admin,
}
