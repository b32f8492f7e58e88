namespace MemOS.Silo.Api;

/// <summary>A request field is missing or invalid. HTTP 400 with the field in <c>errors</c>.</summary>
/// <param name="field">The JSON name of the field.</param>
/// <param name="message">What is wrong with it.</param>
public sealed class RequestValidationException(string field, string message) : ArgumentException(message, field)
{
    /// <summary>The JSON name of the field.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with the field.</summary>
    public string Reason { get; } = message;
}
