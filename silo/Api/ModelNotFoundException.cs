using MemOS.Runtime;

namespace MemOS.Silo.Api;

/// <summary>An embeddings request named a model this silo does not serve (404).</summary>
/// <param name="requested">The model asked for.</param>
/// <param name="served">The model the silo serves.</param>
internal sealed class ModelNotFoundException(string requested, string served)
    : MemOSException($"This silo serves embedding model '{served}', not '{requested}'.")
{
    public string Served { get; } = served;
}
