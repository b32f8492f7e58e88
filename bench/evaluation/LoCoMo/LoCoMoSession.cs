namespace MemOS.Evaluation.LoCoMo;

/// <summary>One session of a LoCoMo conversation: the turns under one <c>session_N</c> key.</summary>
/// <param name="Number">The session number <c>N</c>.</param>
/// <param name="DateTime">When the session took place, from <c>session_N_date_time</c>, as UTC.</param>
/// <param name="Turns">The session's turns, in order.</param>
public sealed record LoCoMoSession(int Number, DateTimeOffset DateTime, IReadOnlyList<LoCoMoTurn> Turns);
