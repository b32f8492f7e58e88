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
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return string.Create(26, value, static (chars, v) =>
        {
            for (var i = 25; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }
}
