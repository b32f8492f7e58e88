namespace MemOS.Evaluation.LoCoMo;

/// <summary>One turn (message) of a LoCoMo conversation.</summary>
/// <param name="DiaId">The turn's dialogue id, <c>D&lt;session&gt;:&lt;turn&gt;</c> (e.g. <c>D3:7</c>), as evidence cites it.</param>
/// <param name="Session">The number of the session that holds the turn (the <c>N</c> of its <c>session_N</c> key).</param>
/// <param name="Speaker">Who said it.</param>
/// <param name="Text">What was said; for a turn that shares an image, followed by <c> [image: &lt;blip_caption&gt;]</c>.</param>
/// <param name="Timestamp">The session's date and time (UTC); LoCoMo dates sessions, not turns.</param>
public sealed record LoCoMoTurn(string DiaId, int Session, string Speaker, string Text, DateTimeOffset Timestamp);
