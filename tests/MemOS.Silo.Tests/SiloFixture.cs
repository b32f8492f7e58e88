using MemOS.Client;
using MemOS.Silo.Hosting;

namespace MemOS.Silo.Tests;

/// <summary>A real silo on 127.0.0.1 (Kestrel, SQLite in a temp folder) and a client for it; one per test class.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "memos-silo-tests-" + Guid.NewGuid().ToString("N")[..10]);

    public EmbeddedSilo Silo { get; private set; } = null!;

    public MemOSClient Client { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync() => await StartAsync();

    /// <summary>Stops the silo and starts a new one on the same data folder (state must come back from storage).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartAsync()
    {
        Silo = await EmbeddedSilo.StartAsync(DataDirectory, configure: b => b.Configuration["MemOS:Silo:MaxRequestBodyBytes"] = "65536");
        Http = new HttpClient { BaseAddress = Silo.BaseAddress };
        Client = new MemOSClient(Http);
    }

    private async Task StopAsync()
    {
        Client?.Dispose();
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }
}
