namespace MemOS.Runtime;

/// <summary>Places every activation of a grain class on the silo that calls it, never on the owner by rendezvous
/// hashing: each silo has its own activation of each key, calls to it are never forwarded, and membership changes
/// never move it. For grains that use the silo's own resources (its model, its KV cache store), as Orleans'
/// <c>[StatelessWorker]</c> places its workers locally. Such a grain must keep no state that other silos need: its
/// activations on different silos are independent.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LocalPlacementAttribute : Attribute;
