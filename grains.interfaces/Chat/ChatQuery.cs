namespace MemOS.Grains.Interfaces.Chat;

/// <summary>A validated chat, as the MemScheduler grain takes it.</summary>
/// <param name="Message">The message, non-empty.</param>
/// <param name="TokenBudget">The memories' token budget (ceil(chars/4)), at least 1, or null for the default.</param>
/// <param name="MaxTokens">The most tokens generated, at least 1, or null for the default.</param>
/// <param name="Temperature">The sampling temperature, at least 0 (0: greedy).</param>
/// <param name="Seed">The sampling seed.</param>
public sealed record ChatQuery(string Message, int? TokenBudget = null, int? MaxTokens = null, float Temperature = 0, uint Seed = 42);
