using System.Diagnostics;
using System.Diagnostics.Metrics;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Operations;
using MemOS.Grains.Memories;
using MemOS.Runtime;

namespace MemOS.Grains.Telemetry;

/// <summary>What the silo knows about its MemCubes' lifecycle: the <c>MemOS.MemCubes</c> instruments (transitions,
/// cubes by state and kind) and the most recent lifecycle events, for <c>/metrics</c> and the dashboard.</summary>
/// <remarks>The census starts from a scan of stored cubes (<see cref="SeedAsync"/>, run once when the silo starts,
/// before it serves requests) and then follows every committed create, transition and erasure. One instance per
/// silo; thread-safe.</remarks>
public sealed class MemCubeMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "MemOS.MemCubes";

    /// <summary>How many recent lifecycle events are kept.</summary>
    public const int RecentEventCapacity = 200;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, string Kind, MemCubeLifecycle State), long> _census = [];
    private readonly Queue<LifecycleEvent> _recent = new();
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _transitions;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The meter factory of the host, or null for a meter of its own.</param>
    public MemCubeMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        _transitions = meter.CreateCounter<long>(
            "memos.memcube.transitions",
            unit: "{transition}",
            description: "MemCube lifecycle changes stored, by previous state (none for a new cube), new state and kind.");
        meter.CreateObservableUpDownCounter(
            "memos.memcubes",
            ObserveCensus,
            unit: "{cube}",
            description: "Stored MemCubes by lifecycle state and kind (Deleted counts erased tombstones).");
    }

    /// <summary>Counts the stored cubes by state and kind, replacing what was counted; call once at start.</summary>
    /// <param name="stateQuery">Scans the stored cube states.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <returns>The number of cubes counted.</returns>
    public async Task<long> SeedAsync(IGrainStateQuery stateQuery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateQuery);
        var counts = new Dictionary<(string, string, MemCubeLifecycle), long>();
        long total = 0;
        await foreach (var row in stateQuery.ScanAsync<MemCubeState>(MemCubeGrain.GrainTypeName, MemCubeGrain.StateName, "", cancellationToken))
        {
            var key = (row.State.TenantId, row.State.Kind, row.State.State);
            counts[key] = counts.GetValueOrDefault(key) + 1;
            total++;
        }

        lock (_lock)
        {
            _census.Clear();
            foreach (var (key, count) in counts)
            {
                _census[key] = count;
            }
        }

        return total;
    }

    /// <summary>Records a stored change of state.</summary>
    /// <param name="change">The change.</param>
    public void Record(LifecycleEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            if (change.From is { } from)
            {
                var key = (change.TenantId, change.Kind, from);
                if (_census.TryGetValue(key, out var count) && count > 1)
                {
                    _census[key] = count - 1;
                }
                else
                {
                    _census.Remove(key);
                }
            }

            var to = (change.TenantId, change.Kind, change.To);
            _census[to] = _census.GetValueOrDefault(to) + 1;
            _recent.Enqueue(change);
            while (_recent.Count > RecentEventCapacity)
            {
                _recent.Dequeue();
            }
        }

        _transitions.Add(1, new TagList
        {
            { "from", change.From is { } f ? StateTag(f) : "none" },
            { "to", StateTag(change.To) },
            { "kind", change.Kind },
        });
    }

    /// <summary>The stored cubes by tenant, kind and state.</summary>
    /// <returns>A snapshot, ordered by tenant, kind and state.</returns>
    public IReadOnlyList<(string Tenant, string Kind, MemCubeLifecycle State, long Count)> Census()
    {
        lock (_lock)
        {
            return _census.OrderBy(p => p.Key.Tenant, StringComparer.Ordinal).ThenBy(p => p.Key.Kind, StringComparer.Ordinal)
                .ThenBy(p => p.Key.State).Select(p => (p.Key.Tenant, p.Key.Kind, p.Key.State, p.Value)).ToList();
        }
    }

    /// <summary>The most recent lifecycle events, newest first.</summary>
    /// <param name="max">How many at most.</param>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<LifecycleEvent> RecentEvents(int max = RecentEventCapacity)
    {
        lock (_lock)
        {
            return _recent.Reverse().Take(max).ToList();
        }
    }

    /// <summary>The tag value of a state: its name in lower case (<c>activated</c>).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The tag value.</returns>
    public static string StateTag(MemCubeLifecycle state) => state.ToString().ToLowerInvariant();

    /// <inheritdoc />
    public void Dispose() => _ownedMeter?.Dispose();

    private IEnumerable<Measurement<long>> ObserveCensus()
    {
        // Tenants are not a tag (unbounded cardinality): the instrument sums over them.
        foreach (var group in Census().GroupBy(c => (c.Kind, c.State)))
        {
            yield return new Measurement<long>(group.Sum(c => c.Count), new KeyValuePair<string, object?>("state", StateTag(group.Key.State)),
                new KeyValuePair<string, object?>("kind", group.Key.Kind));
        }
    }
}
