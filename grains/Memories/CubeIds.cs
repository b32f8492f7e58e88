using System.Security.Cryptography;

namespace MemOS.Grains.Memories;

/// <summary>Makes MemCube ids: ULIDs (48-bit millisecond timestamp + 80 random bits, Crockford base32,
/// 26 characters; github.com/ulid/spec), so ids sort by creation time.</summary>
public static class CubeIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Returns a new id for a cube created at <paramref name="now"/>.</summary>
    /// <param name="now">The creation time (only its Unix milliseconds are used).</param>
    /// <returns>A 26-character id.</returns>
    public static string New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>Returns <paramref name="count"/> ids for cubes created together at <paramref name="now"/>, in strictly
    /// increasing order (the ULID spec's monotonic generation: the random part of each next id is the previous one
    /// plus 1), so a batch's ids sort in the order of its items.</summary>
    /// <param name="now">The creation time.</param>
    /// <param name="count">How many ids, at least 0.</param>
    /// <param name="after">An id the new ones must sort after (the owner's last id), or null. When the clock has not
    /// moved past it (the same millisecond, or a clock that went back), the sequence continues from it + 1, as the
    /// ULID spec's monotonic generation does, so an owner's ids sort in creation order across batches.</param>
    /// <returns>The ids, ascending.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="after"/> is not a 26-character ULID.</exception>
    public static IReadOnlyList<string> NewSequence(DateTimeOffset now, int count, string? after = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ids = new string[count];
        if (count == 0)
        {
            return ids;
        }

        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        // Clear the top random bit so that adding up to 2^79 never carries into the timestamp.
        bytes[6] &= 0x7F;
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        if (after is not null && Decode(after) is var previous && value <= previous)
        {
            value = previous + 1;
        }

        for (var i = 0; i < count; i++)
        {
            ids[i] = Encode(value + (UInt128)i);
        }

        return ids;
    }

    private static UInt128 Decode(string id)
    {
        if (id.Length != 26)
        {
            throw new ArgumentException($"'{id}' is not a 26-character ULID.", nameof(id));
        }

        UInt128 value = 0;
        foreach (var c in id)
        {
            var digit = Alphabet.IndexOf(char.ToUpperInvariant(c));
            if (digit < 0)
            {
                throw new ArgumentException($"'{id}' is not a ULID: '{c}' is not a Crockford base32 digit.", nameof(id));
            }

            value = (value << 5) | (uint)digit;
        }

        return value;
    }

    private static string Encode(UInt128 value) => string.Create(26, value, static (chars, v) =>
    {
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(v & 31)];
            v >>= 5;
        }
    });
}
