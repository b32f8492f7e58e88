namespace MemOS.Grains.Interfaces.Memories;

/// <summary>The lifecycle states of a MemCube (MemOS paper section 5, plus erasure).</summary>
/// <remarks>Legal transitions: Generated -> Activated; Activated -> Merged; Activated &lt;-> Archived;
/// any state -> Expired; any state -> Deleted. Expired and Deleted are final.</remarks>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MemCubeLifecycle>))]
public enum MemCubeLifecycle
{
    /// <summary>Created by a reader; not yet admitted to retrieval.</summary>
    Generated,

    /// <summary>Indexed and retrievable.</summary>
    Activated,

    /// <summary>Fused into another cube (see <c>mergedInto</c>); kept for history, not retrieved.</summary>
    Merged,

    /// <summary>Cold: moved to the vault, out of the hot index, restorable.</summary>
    Archived,

    /// <summary>Its time to live passed: never retrieved again.</summary>
    Expired,

    /// <summary>Erased: payload destroyed everywhere; only a tombstone remains.</summary>
    Deleted,
}
