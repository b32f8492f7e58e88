using System.Buffers.Text;
using System.Text;

namespace MemOS.Grains.Interfaces.Governance;

/// <summary>The text form of an API key: <c>memos_{base64url(tenant)}.{keyId}.{secret}</c>. The tenant part routes the
/// check to the tenant's governance grain; <c>keyId</c> is 16 lowercase hex digits; <c>secret</c> is 32 random bytes in
/// base64url (43 characters), of which only a salted hash is stored.</summary>
public static class ApiKeyFormat
{
    /// <summary>What every key begins with (so a leaked key is recognisable by secret scanners).</summary>
    public const string Prefix = "memos_";

    /// <summary>The length of a key id, in hex digits.</summary>
    public const int KeyIdLength = 16;

    /// <summary>The length of a secret, in base64url characters.</summary>
    public const int SecretLength = 43;

    /// <summary>The longest key text accepted (longer is rejected before any parsing).</summary>
    public const int MaxLength = 256;

    /// <summary>Formats a key.</summary>
    /// <param name="tenantId">The tenant name.</param>
    /// <param name="keyId">The key id.</param>
    /// <param name="secret">The secret.</param>
    /// <returns>The key text.</returns>
    public static string Format(string tenantId, string keyId, string secret)
        => Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(tenantId)) + "." + keyId + "." + secret;

    /// <summary>Splits a key into its parts without checking it against any store.</summary>
    /// <param name="key">The candidate key.</param>
    /// <param name="tenantId">The tenant name it names.</param>
    /// <param name="keyId">Its key id.</param>
    /// <param name="secret">Its secret.</param>
    /// <returns><see langword="true"/> when the key has the shape of a MemOS key and names a valid tenant.</returns>
    public static bool TryParse(string? key, out string tenantId, out string keyId, out string secret)
    {
        tenantId = keyId = secret = "";
        if (key is null || key.Length > MaxLength || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[Prefix.Length..].Split('.');
        if (parts.Length != 3 || parts[1].Length != KeyIdLength || parts[2].Length != SecretLength
            || !parts[1].All(char.IsAsciiHexDigitLower) || !Base64Url.IsValid(parts[0]))
        {
            return false;
        }

        try
        {
            tenantId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0]));
        }
        catch (FormatException)
        {
            return false;
        }

        if (!MemCubeKeys.IsValidName(tenantId))
        {
            tenantId = "";
            return false;
        }

        keyId = parts[1];
        secret = parts[2];
        return true;
    }
}
