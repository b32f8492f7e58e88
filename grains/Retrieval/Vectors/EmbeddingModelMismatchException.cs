namespace MemOS.Grains.Retrieval.Vectors;

/// <summary>A vector from one embedder model was offered to an index of another: comparing them would be
/// meaningless, so the space must be re-embedded (<c>reembed</c>) first.</summary>
public sealed class EmbeddingModelMismatchException : MemOSException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="indexModelId">The model of the index.</param>
    /// <param name="offeredModelId">The model of the offered vector.</param>
    public EmbeddingModelMismatchException(string indexModelId, string offeredModelId)
        : base($"This index holds vectors of embedder '{indexModelId}'; a vector of '{offeredModelId}' cannot join it. " +
               "Re-embed the space to change models.")
    {
        IndexModelId = indexModelId;
        OfferedModelId = offeredModelId;
    }

    /// <summary>The model of the index.</summary>
    public string IndexModelId { get; }

    /// <summary>The model of the offered vector.</summary>
    public string OfferedModelId { get; }
}
