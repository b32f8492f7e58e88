namespace MemOS.Inference.Embeddings;

/// <summary><see cref="IEmbedder.EmbedAsync"/> for embedders whose core embeds one text synchronously.</summary>
internal static class EmbedderBatch
{
    /// <summary>Embeds each text in order on the calling thread, checking for cancellation before each.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="embed">Embeds one text.</param>
    /// <param name="cancellationToken">Stops the work between texts.</param>
    /// <returns>One vector per text, as a completed task.</returns>
    /// <exception cref="ArgumentException">A text is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<IReadOnlyList<float[]>> EmbedEach(
        IReadOnlyList<string> texts, Func<string, float[]> embed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result[i] = embed(texts[i] ?? throw new ArgumentException($"texts[{i}] is null.", nameof(texts)));
        }

        return Task.FromResult<IReadOnlyList<float[]>>(result);
    }
}
