using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Runtime;

namespace MemOS.Silo.Api;

/// <summary>A search over several spaces: the addressed space and, unless the request named its space, every shared
/// space the caller can read. Each space's MemScheduler searches its own index (checking the caller's read right), and
/// the ranked lists are fused by reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009: score = sum of
/// 1 / (<see cref="RrfK"/> + rank)), then cut to <c>topK</c> or packed greedily into the token budget.</summary>
internal static class CrossSpaceSearch
{
    /// <summary>The RRF rank constant.</summary>
    public const int RrfK = 60;

    /// <summary>Searches the spaces and fuses the hits; every hit names its space.</summary>
    /// <exception cref="AccessDeniedException">The caller cannot read the addressed space.</exception>
    public static async Task<SearchResponse> SearchAsync(
        IGrainFactory grains, ReadableSpaces readableSpaces, Caller caller, string spaceKey, bool searchAllReadable, MemorySearchQuery query,
        CancellationToken cancellationToken)
    {
        var spaces = new List<string> { spaceKey };
        if (searchAllReadable)
        {
            MemoryTargets.TenantOf(caller);
            var readable = await readableSpaces.GetAsync(caller, cancellationToken);
            spaces.AddRange(readable.Select(static s => MemCubeKeys.SharedSpacePrefix + s).Where(s => s != spaceKey));
        }

        var responses = await Task.WhenAll(spaces.Select(
            s => MemoryTargets.Scheduler(grains, caller, s).SearchAsync(query, cancellationToken, caller)));
        if (responses.Length == 1)
        {
            var only = responses[0];
            return only with { Hits = [.. only.Hits.Select(h => h with { Space = MemoryTargets.Display(spaceKey) })] };
        }

        var fused = responses
            .SelectMany((response, space) => response.Hits.Select((hit, rank) => (Hit: hit with { Space = MemoryTargets.Display(spaces[space]) }, Rank: rank)))
            .Select(static h => (h.Hit, Score: 1.0 / (RrfK + h.Rank + 1)))
            .OrderByDescending(static h => h.Score)
            .ThenBy(static h => h.Hit.Space, StringComparer.Ordinal)
            .Select(static h => h.Hit with { Score = h.Score });

        var selected = new List<SearchHit>();
        var usedChars = 0L;
        foreach (var hit in fused)
        {
            if (query.TokenBudget is { } budget)
            {
                var next = usedChars + hit.Rendered.Length + 1;
                if (MemoryRendering.CountTokens((int)Math.Min(int.MaxValue, next)) > budget)
                {
                    continue;
                }

                usedChars = next;
            }

            selected.Add(hit);
            if (selected.Count >= query.TopK)
            {
                break;
            }
        }

        var context = string.Join('\n', selected.Select(static h => h.Rendered));
        return new SearchResponse(selected, usedChars == 0 ? 0 : MemoryRendering.CountTokens((int)Math.Min(int.MaxValue, usedChars)), query.TokenBudget, context);
    }
}
