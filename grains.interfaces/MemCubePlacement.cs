using MemOS.Runtime;

namespace MemOS.Grains.Interfaces;

/// <summary>Where the cluster places a MemCube grain (plaintext or activation; key <c>{tenant}/{spaceKey}/{cubeId}</c>,
/// <see cref="MemCubeKeys.Cube"/>): the cubes of a user's private space (<c>u:{user}</c>) on the silo of that user's
/// MemScheduler (<see cref="MemCubeKeys.Scheduler"/>), which calls them on every add, search hit and update, so those
/// calls stay in-process; the cubes of a shared space (<c>s:{space}</c>) on the silo of the space's MemScheduler
/// (<see cref="MemCubeKeys.SpaceScheduler"/>); any other space's together, by the space.</summary>
/// <remarks>Rendezvous hashing still spreads users (and spaces) over the silos; only a user's cubes move with the
/// user. Changing this function moves grains between silos on upgrade (their state is in the database, so nothing
/// is lost, but every silo of a cluster must run the same one).</remarks>
public sealed class MemCubePlacement : IPlacementAffinity
{
    /// <summary>The grain type name hashed for the cubes of a shared space (no grain of this type exists).</summary>
    public const string SpacePlacementType = "memspace";

    /// <inheritdoc />
    /// <returns>The user's MemScheduler for a private-space cube, <c>(memspace, {tenant}/{spaceKey})</c> for another
    /// space's, or <see langword="null"/> (placed by its own key) for a key not of the cube shape.</returns>
    public PlacementTarget? Colocate(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var tenantEnd = grainKey.IndexOf('/', StringComparison.Ordinal);
        var spaceEnd = tenantEnd < 1 ? -1 : grainKey.IndexOf('/', tenantEnd + 1);
        if (spaceEnd <= tenantEnd + 1)
        {
            return null;
        }

        var tenant = grainKey[..tenantEnd];
        var space = grainKey[(tenantEnd + 1)..spaceEnd];
        if (space.StartsWith(MemCubeKeys.PrivateSpacePrefix, StringComparison.Ordinal) && space.Length > MemCubeKeys.PrivateSpacePrefix.Length)
        {
            return new PlacementTarget(MemCubeKeys.SchedulerGrainType, tenant + "/" + space[MemCubeKeys.PrivateSpacePrefix.Length..]);
        }

        // A shared space's cubes go with the MemScheduler that holds the space.
        return space.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal) && space.Length > MemCubeKeys.SharedSpacePrefix.Length
            ? new PlacementTarget(MemCubeKeys.SchedulerGrainType, tenant + "/" + MemCubeKeys.SharedSchedulerMarker + space[MemCubeKeys.SharedSpacePrefix.Length..])
            : new PlacementTarget(SpacePlacementType, tenant + "/" + space);
    }
}
