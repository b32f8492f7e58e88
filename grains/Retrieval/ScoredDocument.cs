namespace MemOS.Grains.Retrieval;

/// <summary>One search hit of a <see cref="Bm25Index"/>: a document id and its BM25 score.</summary>
/// <param name="Id">The document id given to <see cref="Bm25Index.Add"/>.</param>
/// <param name="Score">The BM25 score, greater than 0 (only documents that contain a query term are returned).</param>
public readonly record struct ScoredDocument(string Id, float Score);
