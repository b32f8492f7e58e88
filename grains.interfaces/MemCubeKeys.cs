using System.Buffers;

namespace MemOS.Grains.Interfaces;

/// <summary>
/// Builds and checks the string keys of MemOS grains. Names (tenant, user, space) are 1-64 characters of
/// ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c>; cube ids are 1-64 characters of ASCII letters,
/// digits, <c>-</c> and <c>_</c>. Keys join parts with <c>/</c>, which names cannot contain, so a key prefix
/// selects exactly one space.
/// </summary>
public static class MemCubeKeys
{
    /// <summary>The tenant every request belongs to until authentication and tenancy land.</summary>
    public const string DefaultTenant = "default";

    /// <summary>The grain type name of the MemScheduler grains (what placement hashes with <see cref="Scheduler"/>).</summary>
    public const string SchedulerGrainType = "memscheduler";

    /// <summary>The grain type name of the MemCube grains (what placement hashes with <see cref="Cube"/>).</summary>
    public const string CubeGrainType = "memcube";

    /// <summary>The longest name or id, in characters.</summary>
    public const int MaxNameLength = 64;

    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>Returns whether <paramref name="name"/> is a valid tenant, user or space name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidName(string? name)
        => !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && !name.AsSpan().ContainsAnyExcept(NameChars)
           && name != "." && name != "..";

    /// <summary>Returns whether <paramref name="cubeId"/> is a valid MemCube id.</summary>
    /// <param name="cubeId">The candidate id.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidCubeId(string? cubeId)
        => !string.IsNullOrEmpty(cubeId) && cubeId.Length <= MaxNameLength && !cubeId.AsSpan().ContainsAnyExcept(IdChars);

    /// <summary>What begins the key of a user's private space (<see cref="PrivateSpace"/>).</summary>
    public const string PrivateSpacePrefix = "u:";

    /// <summary>The space key of a user's private space (<c>u:{user}</c>).</summary>
    /// <param name="userId">A valid user name.</param>
    /// <returns>The space key.</returns>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    public static string PrivateSpace(string userId) => PrivateSpacePrefix + RequireName(userId, nameof(userId));

    /// <summary>What begins the key of a shared space (<see cref="SharedSpace"/>).</summary>
    public const string SharedSpacePrefix = "s:";

    /// <summary>What marks a shared space's MemScheduler key (<c>{tenant}/~{space}</c>); never part of a valid name.</summary>
    public const char SharedSchedulerMarker = '~';

    /// <summary>The space key of a shared space (<c>s:{space}</c>).</summary>
    /// <param name="space">A valid space name.</param>
    /// <returns>The space key.</returns>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    public static string SharedSpace(string space) => SharedSpacePrefix + RequireName(space, nameof(space));

    /// <summary>Parses a space as a request names it: <c>u:{user}</c> for a user's private space, else a shared space name.</summary>
    /// <param name="space">The space as given.</param>
    /// <param name="spaceKey">The space key (<c>u:{user}</c> or <c>s:{space}</c>).</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParseSpace(string? space, out string spaceKey)
    {
        spaceKey = "";
        if (space is null)
        {
            return false;
        }

        if (space.StartsWith(PrivateSpacePrefix, StringComparison.Ordinal))
        {
            if (!IsValidName(space[PrivateSpacePrefix.Length..]))
            {
                return false;
            }

            spaceKey = space;
            return true;
        }

        if (!IsValidName(space))
        {
            return false;
        }

        spaceKey = SharedSpacePrefix + space;
        return true;
    }

    /// <summary>The key of the MemScheduler grain that holds a space: <see cref="Scheduler"/> of the user for a private
    /// space, <c>{tenant}/~{space}</c> for a shared one.</summary>
    /// <param name="tenantId">A valid tenant name.</param>
    /// <param name="spaceKey">A space key from <see cref="PrivateSpace"/> or <see cref="SharedSpace"/>.</param>
    /// <returns>The grain key.</returns>
    /// <exception cref="ArgumentException">A part is invalid.</exception>
    public static string SpaceScheduler(string tenantId, string spaceKey)
    {
        ArgumentNullException.ThrowIfNull(spaceKey);
        if (spaceKey.StartsWith(PrivateSpacePrefix, StringComparison.Ordinal))
        {
            return Scheduler(tenantId, spaceKey[PrivateSpacePrefix.Length..]);
        }

        if (spaceKey.StartsWith(SharedSpacePrefix, StringComparison.Ordinal))
        {
            return RequireName(tenantId, nameof(tenantId)) + "/" + SharedSchedulerMarker + RequireName(spaceKey[SharedSpacePrefix.Length..], nameof(spaceKey));
        }

        throw new ArgumentException($"'{spaceKey}' is not a space key.", nameof(spaceKey));
    }

    /// <summary>The key of the MemScheduler grain of a user: <c>{tenant}/{user}</c>.</summary>
    /// <param name="tenantId">A valid tenant name.</param>
    /// <param name="userId">A valid user name.</param>
    /// <returns>The grain key.</returns>
    /// <exception cref="ArgumentException">A name is invalid.</exception>
    public static string Scheduler(string tenantId, string userId)
        => RequireName(tenantId, nameof(tenantId)) + "/" + RequireName(userId, nameof(userId));

    /// <summary>The key prefix shared by every MemCube of a space: <c>{tenant}/{spaceKey}/</c>.</summary>
    /// <param name="tenantId">A valid tenant name.</param>
    /// <param name="spaceKey">A space key from <see cref="PrivateSpace"/>.</param>
    /// <returns>The key prefix.</returns>
    /// <exception cref="ArgumentException">A part is invalid.</exception>
    public static string SpacePrefix(string tenantId, string spaceKey)
    {
        RequireName(tenantId, nameof(tenantId));
        if (string.IsNullOrEmpty(spaceKey) || spaceKey.Contains('/'))
        {
            throw new ArgumentException("A space key is non-empty and has no '/'.", nameof(spaceKey));
        }

        return tenantId + "/" + spaceKey + "/";
    }

    /// <summary>The key of a MemCube grain: <c>{tenant}/{spaceKey}/{cubeId}</c>.</summary>
    /// <param name="tenantId">A valid tenant name.</param>
    /// <param name="spaceKey">A space key from <see cref="PrivateSpace"/>.</param>
    /// <param name="cubeId">A valid cube id.</param>
    /// <returns>The grain key.</returns>
    /// <exception cref="ArgumentException">A part is invalid.</exception>
    public static string Cube(string tenantId, string spaceKey, string cubeId)
    {
        if (!IsValidCubeId(cubeId))
        {
            throw new ArgumentException($"'{cubeId}' is not a valid MemCube id.", nameof(cubeId));
        }

        return SpacePrefix(tenantId, spaceKey) + cubeId;
    }

    /// <summary>The cube id part of a MemCube grain key (everything after the last <c>/</c>).</summary>
    /// <param name="cubeKey">A key from <see cref="Cube"/>.</param>
    /// <returns>The cube id.</returns>
    public static string CubeIdOf(string cubeKey) => cubeKey[(cubeKey.LastIndexOf('/') + 1)..];

    /// <summary>Returns <paramref name="name"/> when it is a valid tenant, user or space name (<see cref="IsValidName"/>).</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="parameterName">The parameter the exception names.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    public static string RequireName(string name, string parameterName)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid name: use 1-{MaxNameLength} ASCII letters, digits, '-', '_' or '.'.", parameterName);
        }

        return name;
    }
}
