namespace MemOS.Runtime;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> for the runtime to
/// bind to the state record (grain type, grain key, <paramref name="stateName"/>) in the silo's grain storage.
/// The state is read before <see cref="Grain.OnActivateAsync"/> runs.</summary>
/// <param name="stateName">The state's name within the grain: non-empty, stable across releases.</param>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    /// <summary>The state's name within the grain.</summary>
    public string StateName { get; } = stateName;
}
