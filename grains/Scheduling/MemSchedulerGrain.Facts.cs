using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Reader;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Scheduling;

/// <content>Fact updates: a new memory that states another value of a known single-valued fact about the same subject
/// (<see cref="FactStatement"/>: where someone lives, works, their favourite thing) closes the valid time of the memory
/// that stated the old value (its <c>validTo</c> becomes the new one's <c>validFrom</c>) instead of deleting it, so
/// "what was true then" stays answerable by valid time.</content>
public sealed partial class MemSchedulerGrain
{
    /// <summary>The current value of each known fact, by subject and attribute, and the memories that state it.</summary>
    private readonly Dictionary<(string Subject, string Attribute), (string Value, List<string> CubeIds)> _facts = [];

    /// <summary>Registers the facts that indexed memories state, in id (creation) order, so that the newest holds each
    /// fact; memories whose valid time is already closed state no current fact.</summary>
    private void RegisterFact(MemoryRecord record)
    {
        if (record.ValidTo is null && FactStatement.Find(record.Provenance.Speaker, record.Text) is { } fact)
        {
            State(fact, record.Id);
        }
    }

    /// <summary>Closes the valid time of each memory whose fact a new memory updates.</summary>
    private async Task CloseUpdatedFactsAsync(IReadOnlyList<MemoryRecord> created, CancellationToken cancellationToken)
    {
        foreach (var record in created)
        {
            if (!_memories.ContainsKey(record.Id) || FactStatement.Find(record.Provenance.Speaker, record.Text) is not { } fact)
            {
                continue;
            }

            var key = (fact.Subject, fact.Attribute);
            if (_facts.TryGetValue(key, out var known) && known.Value != fact.Value && record.ValidFrom is { } from)
            {
                foreach (var oldId in known.CubeIds)
                {
                    if (_memories.TryGetValue(oldId, out var old) && old.Record.ValidTo is null
                        && (old.Record.ValidFrom is null || old.Record.ValidFrom <= from))
                    {
                        var closed = await Cube(oldId).UpdateAsync(new MemoryUpdate(ValidTo: from), old.Record.Version, null, cancellationToken);
                        Index(closed, null);
                        LogFactUpdated(_logger, oldId, record.Id, fact.Attribute);
                    }
                }
            }

            State(fact, record.Id);
        }
    }

    /// <summary>Records that a memory states a fact: it joins the memories of the current value, or starts a new value.</summary>
    private void State(FactStatement fact, string cubeId)
    {
        var key = (fact.Subject, fact.Attribute);
        if (_facts.TryGetValue(key, out var known) && known.Value == fact.Value)
        {
            known.CubeIds.Add(cubeId);
        }
        else
        {
            _facts[key] = (fact.Value, [cubeId]);
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Memory {NewCubeId} updates the {Attribute} stated by memory {OldCubeId}: its valid time is closed")]
    private static partial void LogFactUpdated(ILogger logger, string oldCubeId, string newCubeId, string attribute);
}
