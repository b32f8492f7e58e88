using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace MemOS.Runtime;

/// <summary>
/// Rendezvous (highest random weight) hashing: the owner of a grain among a set of silos is the silo whose weight for
/// the grain is highest. Silos and clients that know the same silo ids compute the same owner without talking to
/// each other, and when a silo joins or leaves only the grains that silo gains or loses change owner.
/// </summary>
/// <remarks>
/// <para>After D. G. Thaler and C. V. Ravishankar, "Using name-based mappings to increase hit rates", IEEE/ACM
/// Transactions on Networking 6(1), 1998: the weight of silo <c>S</c> for grain <c>g</c> is a pseudo-random function
/// <c>W(S, g)</c>, and <c>g</c> goes to <c>argmax_S W(S, g)</c>. Removing a silo moves exactly the grains whose maximum it
/// was (each to its second-highest silo); adding one moves to it exactly the grains for which it is the new maximum,
/// about <c>1/n</c> of them with <c>n</c> silos, and nothing else moves.</para>
/// <para>Here <c>W(S, g) = XXH3-64(UTF-8(g), seed: XXH3-64(UTF-8(S)))</c>, with <c>g = "{grainType}/{grainKey}"</c>:
/// one 64-bit hash family indexed by the silo. Ties (probability about <c>2^-64</c> per pair) go to the silo id that
/// sorts first (ordinal). The function is part of the wire contract: clients compute it to route requests, so it never
/// changes within a major version.</para>
/// </remarks>
public static class RendezvousHash
{
    private const int StackLimit = 256;

    /// <summary>The weight of a silo for a grain: a 64-bit pseudo-random value; the highest weight owns the grain.</summary>
    /// <param name="siloId">The silo id.</param>
    /// <param name="grainType">The grain type name (e.g. <c>memscheduler</c>).</param>
    /// <param name="grainKey">The grain key.</param>
    /// <returns>The weight.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ulong Weight(string siloId, string grainType, string grainKey)
    {
        ArgumentNullException.ThrowIfNull(siloId);
        return Weight(HashSilo(siloId), grainType, grainKey);
    }

    /// <summary>Picks the owner of a grain among <paramref name="siloIds"/>.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="grainKey">The grain key.</param>
    /// <param name="siloIds">The candidate silo ids, in any order (the result does not depend on it).</param>
    /// <returns>The index in <paramref name="siloIds"/> of the owner, or -1 when the list is empty.</returns>
    /// <exception cref="ArgumentNullException">An argument or a silo id is null.</exception>
    public static int Owner(string grainType, string grainKey, IReadOnlyList<string> siloIds)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        ArgumentNullException.ThrowIfNull(siloIds);
        var best = -1;
        var bestWeight = 0UL;
        for (var i = 0; i < siloIds.Count; i++)
        {
            var id = siloIds[i] ?? throw new ArgumentNullException(nameof(siloIds), "A silo id is null.");
            var weight = Weight(HashSilo(id), grainType, grainKey);
            if (best < 0 || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(id, siloIds[best]) < 0))
            {
                best = i;
                bestWeight = weight;
            }
        }

        return best;
    }

    private static ulong HashSilo(string siloId)
    {
        var length = Encoding.UTF8.GetMaxByteCount(siloId.Length);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(siloId, buffer);
            return XxHash3.HashToUInt64(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ulong Weight(ulong siloHash, string grainType, string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        var length = Encoding.UTF8.GetMaxByteCount(grainType.Length + 1 + grainKey.Length);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(grainType, buffer);
            buffer[written++] = (byte)'/';
            written += Encoding.UTF8.GetBytes(grainKey, buffer[written..]);
            return XxHash3.HashToUInt64(buffer[..written], unchecked((long)siloHash));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
