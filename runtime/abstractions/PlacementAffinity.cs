namespace MemOS.Runtime;

/// <summary>The grain whose owner also owns a grain: its type name and key, hashed in its place by rendezvous
/// placement.</summary>
/// <param name="GrainType">The grain type name to hash.</param>
/// <param name="GrainKey">The grain key to hash.</param>
public readonly record struct PlacementTarget(string GrainType, string GrainKey);

/// <summary>Co-locates a grain class's activations with other grains: the cluster places a grain of the class on the
/// silo that owns <see cref="Colocate"/>'s target instead of hashing its own key, so that calls between the two stay
/// in-process. Named by <see cref="PlacedWithAttribute"/>; must have a public parameterless constructor and be a pure
/// function of the key (every silo and release must compute the same target).</summary>
public interface IPlacementAffinity
{
    /// <summary>The grain to place a grain of this key with.</summary>
    /// <param name="grainKey">The grain's key.</param>
    /// <returns>The target, or <see langword="null"/> to place the grain by its own type and key.</returns>
    PlacementTarget? Colocate(string grainKey);
}

/// <summary>Places a grain class's activations by an <see cref="IPlacementAffinity"/> (for example, a user's MemCubes
/// on the silo of the user's MemScheduler). Without it a grain is placed by rendezvous hashing of its own type and
/// key.</summary>
/// <param name="affinity">A type implementing <see cref="IPlacementAffinity"/> with a public parameterless
/// constructor.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PlacedWithAttribute(Type affinity) : Attribute
{
    /// <summary>The <see cref="IPlacementAffinity"/> type.</summary>
    public Type Affinity { get; } = affinity;
}
