namespace MemOS.Evaluation.LoCoMo;

/// <summary>One question of a LoCoMo conversation's <c>qa</c> list.</summary>
/// <param name="Question">The question text.</param>
/// <param name="Answer">The gold answer as text (a JSON number such as <c>2022</c> becomes <c>"2022"</c>), or
/// <see langword="null"/> when absent (most category-5 questions).</param>
/// <param name="Evidence">The raw evidence strings, as in the file; normalize them with <see cref="EvidenceIds"/>.</param>
/// <param name="Category">1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial.</param>
public sealed record LoCoMoQuestion(string Question, string? Answer, IReadOnlyList<string> Evidence, int Category);
