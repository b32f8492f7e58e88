using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MemOS.Silo.Hosting;

/// <summary>A silo started in-process on 127.0.0.1 (for the CLI's <c>serve</c>, <c>demo</c> and <c>eval</c>, and for
/// tests): the same application as <c>Program.cs</c>, with its settings given in code.</summary>
public sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedSilo(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The silo's base address, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a silo and returns once it accepts requests.</summary>
    /// <param name="dataDirectory">The folder for its SQLite database; created if missing.</param>
    /// <param name="port">The TCP port on 127.0.0.1; 0 picks a free one.</param>
    /// <param name="configure">Changes to settings and services before the silo is built (tests swap the clock here).</param>
    /// <param name="minimumLogLevel">The least severe log level written to the console. Default: warnings.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running silo; dispose it to stop it.</returns>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<EmbeddedSilo> StartAsync(
        string dataDirectory,
        int port = 0,
        Action<WebApplicationBuilder>? configure = null,
        LogLevel minimumLogLevel = LogLevel.Warning,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmbeddedSilo).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{SiloOptions.SectionName}:{nameof(SiloOptions.DataDirectory)}"] = dataDirectory,
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(minimumLogLevel);
        configure?.Invoke(builder);
        builder.AddMemOSSilo();
        var app = builder.Build();
        app.MapMemOSSilo();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return new EmbeddedSilo(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Waits until the silo is stopped by <paramref name="cancellationToken"/> or by the host (Ctrl+C).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the silo stops.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the silo: grains are deactivated and their state written.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
