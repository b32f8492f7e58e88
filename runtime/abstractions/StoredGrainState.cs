namespace MemOS.Runtime;

/// <summary>One stored state record returned by <see cref="IGrainStateQuery.ScanAsync{TState}"/>.</summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <param name="GrainKey">The key of the grain owning the record.</param>
/// <param name="State">The deserialized state.</param>
/// <param name="Etag">The record's ETag.</param>
public sealed record StoredGrainState<TState>(string GrainKey, TState State, string Etag);
