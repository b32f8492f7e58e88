namespace MemOS.Runtime;

/// <summary>Names a grain class's type in storage keys and logs. Without it the name is the class name,
/// lower-cased, without a trailing <c>Grain</c> (<c>MemCubeGrain</c> -> <c>memcube</c>).</summary>
/// <param name="name">The type name: non-empty, stable across releases (it is part of stored keys).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
