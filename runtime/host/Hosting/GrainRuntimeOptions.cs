using System.Text.Json;

namespace MemOS.Runtime.Hosting;

/// <summary>Settings of the grain runtime (<see cref="GrainRuntime"/>).</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>An activation that has had no call for this long is deactivated by the idle collector
    /// (timer ticks do not count as calls). Default: 15 minutes. Must be positive.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the idle collector looks for idle activations, on the runtime's
    /// <see cref="TimeProvider"/>. Default: 1 minute. Must be positive.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After this long the cancellation token passed to <see cref="Grain.OnDeactivateAsync"/> is cancelled.
    /// The runtime still waits for the method to return, so that a grain never has two live activations.
    /// Default: 30 seconds. Must be positive.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How grain state (<see cref="IPersistentState{TState}"/>) is serialized to storage. Default:
    /// <see cref="JsonSerializerDefaults.Web"/> (camelCase names, case-insensitive reads). Set a
    /// <see cref="JsonSerializerOptions.TypeInfoResolver"/> to use source-generated metadata.</summary>
    public JsonSerializerOptions StateSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>How the arguments, results and exception properties of grain calls forwarded to another silo are
    /// serialized (each by its declared type). Default: <see cref="JsonSerializerDefaults.Web"/>. Set a
    /// <see cref="JsonSerializerOptions.TypeInfoResolver"/> to use source-generated metadata.</summary>
    public JsonSerializerOptions CallSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
