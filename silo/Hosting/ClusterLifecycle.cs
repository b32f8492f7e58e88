using MemOS.Runtime;
using MemOS.Runtime.Cluster;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Hosting;

/// <summary>Joins the cluster once Kestrel listens (so the advertised endpoint is known and other silos can reach this
/// one), and leaves it gracefully when the host stops, while Kestrel still serves: announce <c>shutting_down</c>,
/// deactivate every grain (their state written; calls meanwhile go to the grains' next owners), then leave. Stops the
/// host when the cluster declares this silo dead.</summary>
internal sealed partial class ClusterLifecycle(
    IClusterMembership membership,
    GrainRuntime runtime,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<ClusterOptions> options,
    ILogger<ClusterLifecycle> logger) : IHostedLifecycleService
{
    private const int DeactivationRounds = 4;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        membership.DeclaredDead += OnDeclaredDead;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var endpoint = Advertised(options.Value.AdvertisedAddress, addresses);
        await membership.JoinAsync(endpoint, cancellationToken);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await membership.BeginLeaveAsync(cancellationToken);
            for (var round = 0; round < DeactivationRounds && runtime.ActivationCount > 0; round++)
            {
                await runtime.DeactivateAllAsync(DeactivationReason.ShuttingDown, cancellationToken);
            }

            await membership.LeaveAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is MemOSException or OperationCanceledException)
        {
            // The others notice through the death timeout instead.
            LogLeaveFailed(logger, exception, membership.LocalSiloId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The address other silos reach this one at: the configured one, else the first address Kestrel listens
    /// on with a wildcard host replaced by this machine's host name.</summary>
    internal static Uri Advertised(Uri? configured, ICollection<string> listening)
    {
        if (configured is not null)
        {
            return configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/");
        }

        var address = listening.FirstOrDefault()
            ?? throw new InvalidOperationException(
                $"The silo listens on no address; set {ClusterOptions.SectionName}:{nameof(ClusterOptions.AdvertisedAddress)}.");
        foreach (var wildcard in (string[])["://+", "://*", "://0.0.0.0", "://[::]"])
        {
            address = address.Replace(wildcard, "://" + System.Net.Dns.GetHostName(), StringComparison.Ordinal);
        }

        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    private void OnDeclaredDead(object? sender, EventArgs e) => lifetime.StopApplication();

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Silo {SiloId} could not leave the cluster gracefully; the other silos will declare it dead after the death timeout")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string siloId);
}
