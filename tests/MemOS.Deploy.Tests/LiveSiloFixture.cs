using System.Diagnostics;
using System.Net.Http.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Silo.Hosting;

namespace MemOS.Deploy.Tests;

/// <summary>A real silo on 127.0.0.1 that has served a little of every kind of API traffic (adds, searches with and
/// without a token budget, a read, history, an erasure, client errors, the operator routes), and what it exposed at
/// <c>/metrics</c> after it. The silo runs in a process of its own, as operators run it (one metrics pipeline per
/// process).</summary>
public sealed class LiveSiloFixture : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public MetricCatalog Metrics { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync();
        Http = new HttpClient { BaseAddress = Silo.BaseAddress };
        await DriveTrafficAsync();
        Metrics = await ScrapeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }

    private async Task DriveTrafficAsync()
    {
        using var client = new MemOSClient(Http);
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        var added = await client.AddAsync(new AddMemoriesRequest(user,
        [
            new ConversationMessage("D1:1", "Caroline", "I went to a support group yesterday and it was powerful.", null),
            new ConversationMessage("D1:2", "Melanie", "That sounds great! I'm painting a sunrise over the lake.", null),
        ], "conv-deploy"));
        await client.SearchAsync(new SearchRequest(user, "What is Melanie painting?"));
        await client.SearchAsync(new SearchRequest(user, "support group", TokenBudget: 100));
        await client.GetAsync(user, added.Memories[0].Memory.Id);
        await client.GetHistoryAsync(user, added.Memories[0].Memory.Id);
        await client.DeleteAsync(user, added.Memories[^1].Memory.Id);
        foreach (var path in new[] { "v1/memories/not-a-cube-id", "v1/admin/overview", "dashboard", "healthz", "readyz", "v1/models" })
        {
            using var response = await Http.GetAsync(path);
        }
        using var invalid = await Http.PostAsJsonAsync("v1/search", new { user, query = "" });
    }

    /// <summary>Scrapes until the traffic shows (the exporter may answer from a short cache).</summary>
    private async Task<MetricCatalog> ScrapeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var catalog = MetricCatalog.Parse(await Http.GetStringAsync("metrics"));
            if (catalog.SampleNames.Contains("memos_scheduler_search_duration_seconds_bucket")
                && catalog.SampleNames.Contains("http_server_request_duration_seconds_bucket"))
            {
                return catalog;
            }

            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"/metrics did not show the API traffic within 30 s; it had: {string.Join(", ", catalog.SampleNames.Order())}");
            }

            await Task.Delay(200);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveSiloCollection : ICollectionFixture<LiveSiloFixture>
{
    public const string Name = "live silo";
}
