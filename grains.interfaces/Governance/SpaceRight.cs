using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Governance;

/// <summary>A right on a space; each includes the ones before it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpaceRight>))]
public enum SpaceRight
{
    /// <summary>No access.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>Search, get, history, chat, list activations and adapters.</summary>
    [JsonStringEnumMemberName("read")]
    Read,

    /// <summary>Add, update, delete, archive, restore, roll back, activate, parameterize, re-embed.</summary>
    [JsonStringEnumMemberName("write")]
    Write,

    /// <summary>Grant and revoke rights on the space, erase it.</summary>
    [JsonStringEnumMemberName("admin")]
    Admin,
}
