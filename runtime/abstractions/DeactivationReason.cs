namespace MemOS.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>No call arrived within the configured idle time.</summary>
    IdleTimeout,

    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary><see cref="Grain.OnActivateAsync"/> failed or the activation faulted.</summary>
    ActivationFailed,

    /// <summary>A membership change gave the grain to another silo; its next call activates it there.</summary>
    PlacementChanged,
}
