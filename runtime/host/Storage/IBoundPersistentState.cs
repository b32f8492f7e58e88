namespace MemOS.Runtime.Storage;

/// <summary>The non-generic view of a persistent state bound to an activation, so the runtime can load every
/// state of a grain before <see cref="Grain.OnActivateAsync"/> without knowing the state types.</summary>
internal interface IBoundPersistentState
{
    Task ReadStateAsync(CancellationToken cancellationToken);
}
