using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Runtime;

namespace MemOS.Grains.Memories;

/// <summary>The MemVault slot of one MemCube (see <see cref="IMemVaultGrain"/>): one stored row of state name
/// <see cref="StateName"/> under grain type <see cref="GrainTypeName"/>, present only while the cube is archived.</summary>
[GrainType(GrainTypeName)]
[PlacedWith(typeof(MemCubePlacement))]
public sealed class MemVaultGrain : Grain, IMemVaultGrain
{
    /// <summary>The grain type name, part of every stored key.</summary>
    public const string GrainTypeName = "memvault";

    /// <summary>The state name under which the payload is stored.</summary>
    public const string StateName = "vault";

    private readonly IPersistentState<MemVaultSlot> _slot;

    /// <summary>Creates the grain; the runtime binds <paramref name="slot"/> to storage.</summary>
    /// <param name="slot">The persisted slot.</param>
    public MemVaultGrain([PersistentState(StateName)] IPersistentState<MemVaultSlot> slot) => _slot = slot;

    /// <inheritdoc />
    public async Task PutAsync(MemVaultEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var previous = _slot.State;
        _slot.State = new MemVaultSlot { Entry = entry };
        try
        {
            await _slot.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _slot.State = previous;
            throw;
        }
    }

    /// <inheritdoc />
    public Task<MemVaultEntry?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_slot.State.Entry);

    /// <inheritdoc />
    public async Task EraseAsync(CancellationToken cancellationToken = default)
    {
        if (_slot.RecordExists)
        {
            await _slot.ClearStateAsync(cancellationToken);
        }

        _slot.State = new MemVaultSlot();
    }
}

/// <summary>The stored state of a <see cref="MemVaultGrain"/>.</summary>
public sealed record MemVaultSlot
{
    /// <summary>The payload held, or null.</summary>
    public MemVaultEntry? Entry { get; init; }
}
