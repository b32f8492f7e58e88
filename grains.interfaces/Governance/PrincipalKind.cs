using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Governance;

/// <summary>What a principal of a tenant is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PrincipalKind>))]
public enum PrincipalKind
{
    /// <summary>A person; has a private space (<c>u:{user}</c>).</summary>
    [JsonStringEnumMemberName("user")]
    User,

    /// <summary>A program acting for the tenant (an LLM agent, a backend); it has a private space like a user, and reaches
    /// other spaces only through grants (or the admin role).</summary>
    [JsonStringEnumMemberName("agent")]
    Agent,
}
