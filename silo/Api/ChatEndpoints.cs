using System.Security.Claims;
using MemOS.Silo.Auth;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MemOS.Silo.Api;

/// <summary><c>POST /v1/chat</c>: generation with memory. The handler validates the request and calls the user's
/// MemScheduler, which retrieves memories, assembles the prompt and generates on the silo's model.</summary>
public static class ChatEndpoints
{
    /// <summary>The most tokens one chat may generate.</summary>
    public const int MaxGeneratedTokens = 2_048;

    /// <summary>The highest sampling temperature.</summary>
    public const double MaxTemperature = 2;

    /// <summary>Maps the route.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The <c>/v1</c> route group.</returns>
    public static RouteGroupBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("chat");
        v1.MapPost("/chat", ChatAsync)
            .WithSummary("Answer a message with the user's memories, injected as a KV cache when an activation holds them, else as text.");
        return v1;
    }

    private static async Task<Ok<ChatResponse>> ChatAsync(
        ChatRequest request, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, request.User, request.Space);
        if (string.IsNullOrWhiteSpace(request.Message) || request.Message.Length > MemoryEndpoints.MaxQueryLength)
        {
            throw RequestValidation.Invalid("message", $"A message is 1-{MemoryEndpoints.MaxQueryLength} characters, not blank.");
        }

        if (request.TokenBudget is < 1 or > MemoryEndpoints.MaxTokenBudget)
        {
            throw RequestValidation.Invalid("tokenBudget", $"tokenBudget is 1-{MemoryEndpoints.MaxTokenBudget}.");
        }

        if (request.MaxTokens is < 1 or > MaxGeneratedTokens)
        {
            throw RequestValidation.Invalid("maxTokens", $"maxTokens is 1-{MaxGeneratedTokens}.");
        }

        if (request.Temperature is { } t && !(t >= 0 && t <= MaxTemperature))
        {
            throw RequestValidation.Invalid("temperature", $"temperature is 0-{MaxTemperature} (0: greedy).");
        }

        if (request.Seed is < 0 or > uint.MaxValue)
        {
            throw RequestValidation.Invalid("seed", $"seed is 0-{uint.MaxValue}.");
        }

        var query = new ChatQuery(
            request.Message, request.TokenBudget, request.MaxTokens, (float)(request.Temperature ?? 0), (uint)(request.Seed ?? 42));
        return TypedResults.Ok(await scheduler.ChatAsync(query, cancellationToken, caller));
    }
}
