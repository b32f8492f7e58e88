namespace MemOS.Runtime.Tests.Grains;

/// <summary>Throws exceptions of the kinds a forwarded call must carry back.</summary>
public interface IRemoteErrorsGrain : IGrainWithStringKey
{
    Task ThrowConflictAsync();

    Task<int> ThrowArgumentAsync();

    Task ThrowQuotaAsync(int limit);

    Task ThrowUnmappedAsync();

    Task<EchoRecord> EchoAsync(EchoRecord record, CancellationToken cancellationToken = default);
}

/// <summary>A MemOS exception of this test assembly with properties its constructor takes back.</summary>
public sealed class QuotaExceededException(int limit, string tenantId) : MemOSException($"Quota of {limit} exceeded for {tenantId}.")
{
    public int Limit { get; } = limit;

    public string TenantId { get; } = tenantId;

    public override bool IsTransient => true;
}

public sealed record EchoRecord(string Name, IReadOnlyList<int> Values, DateTimeOffset At, double? Score = null);

public sealed class RemoteErrorsGrain : Grain, IRemoteErrorsGrain
{
    public Task ThrowConflictAsync() => throw new InconsistentStateException("counter changed", "etag-stored", "etag-mine");

    public Task<int> ThrowArgumentAsync() => throw new ArgumentOutOfRangeException("amount", "The amount must be positive.");

    public Task ThrowQuotaAsync(int limit) => throw new QuotaExceededException(limit, "acme");

    public Task ThrowUnmappedAsync() => throw new DivideByZeroException("divided by zero remotely");

    public Task<EchoRecord> EchoAsync(EchoRecord record, CancellationToken cancellationToken = default)
        => Task.FromResult(record with { Name = record.Name + " from " + GetPrimaryKeyString() });
}
