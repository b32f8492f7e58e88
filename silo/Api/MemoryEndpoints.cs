using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using System.Security.Claims;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Retrieval;
using MemOS.Runtime;
using MemOS.Runtime.Storage;
using MemOS.Silo.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MemOS.Silo.Api;

/// <summary>The <c>/v1</c> memory routes. The caller's key decides the tenant; each request addresses a space (its
/// <c>space</c>, else its <c>user</c>'s private space, else the caller's own; <see cref="MemoryTargets"/>). Handlers
/// validate input, then call the space's MemScheduler grain with the caller, which checks the caller's right there.</summary>
public static class MemoryEndpoints
{
    /// <summary>The most values one search filter list may hold.</summary>
    public const int MaxFilterValues = 50;

    /// <summary>The longest search query, in characters.</summary>
    public const int MaxQueryLength = 4_096;

    /// <summary>The most hits (or packing candidates) a search may ask for.</summary>
    public const int MaxTopK = 200;

    /// <summary>The largest token budget a search may ask for.</summary>
    public const int MaxTokenBudget = 100_000;

    /// <summary>The default number of hits without a token budget.</summary>
    public const int DefaultTopK = 10;

    /// <summary>Maps the memory routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The <c>/v1</c> route group.</returns>
    public static RouteGroupBuilder MapMemoryEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("memories");
        v1.MapPost("/memories", AddAsync).WithSummary("Remember messages (all-or-nothing).");
        v1.MapPost("/search", SearchAsync).WithSummary("Search a user's memories, optionally within a token budget.");
        v1.MapGet("/memories/{id}", GetAsync)
            .WithSummary("Get a memory; the ETag header carries its version. With asOf: the version visible at that transaction time.");
        v1.MapPatch("/memories/{id}", UpdateAsync).WithSummary("Update a memory; requires If-Match.");
        v1.MapDelete("/memories/{id}", DeleteAsync).WithSummary("Erase a memory; If-Match optional.");
        v1.MapGet("/memories/{id}/history", HistoryAsync).WithSummary("The memory's versions, oldest first.");
        v1.MapPost("/memories/{id}/archive", ArchiveAsync)
            .WithSummary("Archive a memory to the MemVault: out of search until restored; If-Match optional.");
        v1.MapPost("/memories/{id}/restore", RestoreAsync)
            .WithSummary("Restore an archived memory from the MemVault; If-Match optional.");
        v1.MapPost("/memories/{id}/rollback", RollbackAsync)
            .WithSummary("Restore an earlier version's content as a new version; requires If-Match.");
        v1.MapPost("/memories/reembed", ReembedAsync)
            .WithSummary("Re-embed a user's memories whose vectors came from another embedder model.");
        return v1;
    }

    private static async Task<Results<Created<AddMemoriesResponse>, Ok<AddMemoriesResponse>>> AddAsync(
        AddMemoriesRequest request, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, request.User, request.Space);
        if (request.Messages is null || request.Messages.Count == 0)
        {
            throw RequestValidation.Invalid("messages", "At least one message is needed.");
        }

        var response = await scheduler.AddMessagesAsync(request.ConversationId, request.Messages, cancellationToken, caller);
        return response.Memories.Any(m => m.Created)
            ? TypedResults.Created((string?)null, response)
            : TypedResults.Ok(response);
    }

    private static void ValidateFilters(SearchFilters? filters)
    {
        if (filters is null)
        {
            return;
        }

        foreach (var (name, values) in new[] { ("kinds", filters.Kinds), ("tags", filters.Tags), ("speakers", filters.Speakers) })
        {
            if (values is null)
            {
                continue;
            }

            if (values.Count > MaxFilterValues || values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 128))
            {
                throw RequestValidation.Invalid(
                    "filters." + name, $"filters.{name} holds at most {MaxFilterValues} values of 1-128 characters, not blank.");
            }
        }

        if (filters is { ValidFrom: { } from, ValidTo: { } to } && to <= from)
        {
            throw RequestValidation.Invalid("filters.validTo", "filters.validTo must be after filters.validFrom.");
        }
    }

    private static async Task<Ok<SearchResponse>> SearchAsync(
        SearchRequest request, IGrainFactory grains, ReadableSpaces readableSpaces, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        var spaceKey = MemoryTargets.SpaceKey(caller, request.User, request.Space);
        if (string.IsNullOrWhiteSpace(request.Query) || request.Query.Length > MaxQueryLength)
        {
            throw RequestValidation.Invalid("query", $"A query is 1-{MaxQueryLength} characters, not blank.");
        }

        if (request.TopK is < 1 or > MaxTopK)
        {
            throw RequestValidation.Invalid("topK", $"topK is 1-{MaxTopK}.");
        }

        if (request.TokenBudget is < 1 or > MaxTokenBudget)
        {
            throw RequestValidation.Invalid("tokenBudget", $"tokenBudget is 1-{MaxTokenBudget}.");
        }

        ValidateFilters(request.Filters);
        var topK = request.TopK ?? (request.TokenBudget is null ? DefaultTopK : MaxTopK);
        var query = new MemorySearchQuery(
            request.Query, topK, request.TokenBudget, request.Filters, request.ReferenceTime, request.AsOf, request.Explain);
        return TypedResults.Ok(await CrossSpaceSearch.SearchAsync(grains, readableSpaces, caller, spaceKey, searchAllReadable: request.Space is null, query, cancellationToken));
    }

    private static async Task<Ok<MemoryRecord>> GetAsync(
        string id, [FromQuery] string? user, [FromQuery] string? space, [FromQuery] DateTimeOffset? asOf, IGrainFactory grains, HttpContext http,
        CancellationToken cancellationToken)
    {
        var caller = http.User.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, user, space);
        if (asOf is { } at)
        {
            // A past version is not the one a write must match, so it carries no ETag.
            return TypedResults.Ok(await scheduler.GetMemoryAsOfAsync(id, at, cancellationToken, caller));
        }

        var record = await scheduler.GetMemoryAsync(id, cancellationToken, caller);
        http.Response.Headers.ETag = ETags.Format(record.Version);
        return TypedResults.Ok(record);
    }

    private static async Task<Ok<MemoryRecord>> ArchiveAsync(
        string id, [FromQuery] string? user, [FromQuery] string? space, IGrainFactory grains, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = http.User.ToCaller();
        var record = await MemoryTargets.Scheduler(grains, caller, user, space).ArchiveMemoryAsync(id, ETags.OptionalIfMatch(http.Request), cancellationToken, caller);
        http.Response.Headers.ETag = ETags.Format(record.Version);
        return TypedResults.Ok(record);
    }

    private static async Task<Ok<MemoryRecord>> RestoreAsync(
        string id, [FromQuery] string? user, [FromQuery] string? space, IGrainFactory grains, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = http.User.ToCaller();
        var record = await MemoryTargets.Scheduler(grains, caller, user, space).RestoreMemoryAsync(id, ETags.OptionalIfMatch(http.Request), cancellationToken, caller);
        http.Response.Headers.ETag = ETags.Format(record.Version);
        return TypedResults.Ok(record);
    }

    private static async Task<Ok<MemoryRecord>> RollbackAsync(
        string id, RollbackMemoryRequest request, IGrainFactory grains, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = http.User.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, request.User, request.Space);
        var expected = ETags.RequireIfMatch(http.Request);
        if (request.Version is not { } version || version < 1)
        {
            throw RequestValidation.Invalid("version", "The version to roll back to is a positive whole number.");
        }

        var record = await scheduler.RollbackMemoryAsync(id, version, expected, cancellationToken, caller);
        http.Response.Headers.ETag = ETags.Format(record.Version);
        return TypedResults.Ok(record);
    }

    private static async Task<Ok<MemoryRecord>> UpdateAsync(
        string id, UpdateMemoryRequest request, IGrainFactory grains, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = http.User.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, request.User, request.Space);
        var expected = ETags.RequireIfMatch(http.Request);
        if (request.Update is null || request.Update.IsEmpty)
        {
            throw RequestValidation.Invalid("update", "An update must set at least one of text, tags, entities, validFrom, validTo.");
        }

        var record = await scheduler.UpdateMemoryAsync(id, request.Update, expected, cancellationToken, caller);
        http.Response.Headers.ETag = ETags.Format(record.Version);
        return TypedResults.Ok(record);
    }

    private static async Task<NoContent> DeleteAsync(
        string id, [FromQuery] string? user, [FromQuery] string? space, IGrainFactory grains, IGrainStorage storage, HttpContext http,
        CancellationToken cancellationToken)
    {
        var caller = http.User.ToCaller();
        var scheduler = MemoryTargets.Scheduler(grains, caller, user, space);
        await scheduler.DeleteMemoryAsync(id, ETags.OptionalIfMatch(http.Request), cancellationToken, caller);
        await GovernanceEndpoints.CompactAsync(storage, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MemoryHistory>> HistoryAsync(
        string id, [FromQuery] string? user, [FromQuery] string? space, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        return TypedResults.Ok(await MemoryTargets.Scheduler(grains, caller, user, space).GetHistoryAsync(id, cancellationToken, caller));
    }

    private static async Task<Ok<ReembedResponse>> ReembedAsync(
        [FromQuery] string? user, [FromQuery] string? space, IGrainFactory grains, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var caller = principal.ToCaller();
        return TypedResults.Ok(await MemoryTargets.Scheduler(grains, caller, user, space).ReembedAsync(cancellationToken, caller));
    }
}
