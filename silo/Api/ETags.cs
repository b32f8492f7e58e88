namespace MemOS.Silo.Api;

/// <summary>HTTP entity tags of memories: the strong tag <c>"{version}"</c> (RFC 9110 section 8.8.3).</summary>
internal static class ETags
{
    public static string Format(long version) => "\"" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";

    /// <summary>Reads <c>If-Match</c>, which an update must carry (428 otherwise).</summary>
    public static long RequireIfMatch(HttpRequest request)
        => OptionalIfMatch(request) ?? throw new PreconditionRequiredException(
            "An update must carry If-Match with the ETag returned by GET /v1/memories/{id}.");

    /// <summary>Reads <c>If-Match</c> if present.</summary>
    public static long? OptionalIfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }

        if (header.Length >= 3 && header[0] == '"' && header[^1] == '"'
            && long.TryParse(header.AsSpan(1, header.Length - 2), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            return version;
        }

        throw RequestValidation.Invalid("If-Match", $"If-Match must be one strong ETag such as \"3\", not '{header}'.");
    }
}
