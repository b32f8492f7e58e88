using MemOS.Client;
using MemOS.Silo.Hosting;

namespace MemOS.Dashboard.Tests;

/// <summary>A real silo on 127.0.0.1 (Kestrel, SQLite in a temp folder) whose dashboard the tests open, and a client
/// that drives its REST API.</summary>
public sealed class DashboardSiloFixture : IAsyncLifetime
{
    // The silo keeps its SQLite database in a temp folder of its own, deleted afterwards.
    private readonly TempDatabase _data = new();

    public EmbeddedSilo Silo { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public MemOSClient Client { get; private set; } = null!;

    public Uri DashboardAddress => new(Silo.BaseAddress, "dashboard");

    public async ValueTask InitializeAsync()
    {
        Silo = await EmbeddedSilo.StartAsync(_data.Directory);
        Http = new HttpClient { BaseAddress = Silo.BaseAddress };
        Client = new MemOSClient(Http);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        _data.Dispose();
    }
}
