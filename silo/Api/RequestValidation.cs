using MemOS.Grains.Interfaces;

namespace MemOS.Silo.Api;

/// <summary>Checks of request fields shared by the routes; failures become 400 problem details naming the field.</summary>
internal static class RequestValidation
{
    public static string RequireUser(string? user)
    {
        if (string.IsNullOrEmpty(user))
        {
            throw Invalid("user", "The request must name its user.");
        }

        if (!MemCubeKeys.IsValidName(user))
        {
            throw Invalid("user", $"'{user}' is not a valid user name: use 1-{MemCubeKeys.MaxNameLength} ASCII letters, digits, '-', '_' or '.'.");
        }

        return user;
    }

    public static RequestValidationException Invalid(string field, string message) => new(field, message);
}
