namespace MemOS.Runtime.Cluster;

/// <summary>How a silo reaches another: forwards grain calls to the silo that owns the grain and announces membership
/// changes. The built-in one is <see cref="HttpClusterTransport"/> (HTTP/JSON on the internal routes).</summary>
public interface IClusterTransport
{
    /// <summary>Sends a grain call to <paramref name="target"/>, which runs it (or forwards it once more) and answers
    /// with the call's outcome.</summary>
    /// <param name="target">The silo to send to.</param>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="method">The grain interface method name.</param>
    /// <param name="hops">How many silos forwarded the call before this one (0 from the silo the call started on).</param>
    /// <param name="request">The call envelope (UTF-8 JSON: interface, key, arguments).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome envelope (UTF-8 JSON: a result or an exception).</returns>
    /// <exception cref="ClusterTransportException">The target could not be reached, refused the call or failed
    /// (<see cref="ClusterTransportException.Delivered"/> says whether the call may have run).</exception>
    Task<ReadOnlyMemory<byte>> InvokeAsync(
        ClusterMember target, string grainType, string method, int hops, ReadOnlyMemory<byte> request, CancellationToken cancellationToken);

    /// <summary>Asks <paramref name="target"/> to re-read the membership now and to deactivate the grains it no longer
    /// owns; returns once it has.</summary>
    /// <param name="target">The silo to tell.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the target applied the change.</returns>
    /// <exception cref="ClusterTransportException">The target could not be reached or failed.</exception>
    Task NotifyMembershipChangedAsync(ClusterMember target, CancellationToken cancellationToken);
}
