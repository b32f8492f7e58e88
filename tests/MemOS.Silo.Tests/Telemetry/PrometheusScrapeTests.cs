using System.Net;
using System.Net.Http.Json;
using System.Text;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests.Telemetry;

/// <summary>A real Prometheus scrapes a live silo (in a process of its own, as operators run it) while the test sends
/// known traffic; its HTTP API must report what was sent.</summary>
public sealed class PrometheusScrapeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prometheus_SeesRequestCounts_LatencyHistograms_AndCubesByState_ConsistentWithTheTraffic()
    {
        PrometheusProcess.SkipUnlessInstalled();
        await using var siloProcess = await SiloProcess.StartAsync();
        var silo = siloProcess.BaseAddress;
        using var http = new HttpClient { BaseAddress = silo };
        using var client = new MemOSClient(http);
        await using var prometheus = await PrometheusProcess.StartAsync($"{silo.Host}:{silo.Port}", Cancel);

        // Known traffic: 3 adds, 7 good searches, 4 rejected ones, 1 erasure.
        var created = new List<AddedMemory>();
        for (var i = 0; i < 3; i++)
        {
            var added = await client.AddAsync(new AddMemoriesRequest("promuser",
            [
                new ConversationMessage($"m{i}a", "Ann", $"Day {i}: we walked the dog by the river.", null),
                new ConversationMessage($"m{i}b", "Ben", $"Day {i}: I cooked pasta for dinner.", null),
            ], "c1"), Cancel);
            created.AddRange(added.Memories.Where(m => m.Created));
        }

        const int goodSearches = 7;
        const int badSearches = 4;
        for (var i = 0; i < goodSearches; i++)
        {
            await client.SearchAsync(new SearchRequest("promuser", "dog walk"), Cancel);
        }

        for (var i = 0; i < badSearches; i++)
        {
            using var bad = await http.PostAsync("v1/search", new StringContent("""{"user":"promuser","query":""}""", Encoding.UTF8, "application/json"), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        await client.DeleteAsync("promuser", created[0].Memory.Id, cancellationToken: Cancel);
        var memories = await CountMemoriesAsync(http);

        // The silo's own view first (what a scrape must carry), then Prometheus' after its next scrapes.
        var search200 = $$"""sum(http_server_request_duration_seconds_count{http_route="/v1/search",http_request_method="POST",http_response_status_code="200"})""";
        var search400 = $$"""sum(http_server_request_duration_seconds_count{http_route="/v1/search",http_response_status_code="400"})""";
        await WaitForAsync(prometheus, search200, goodSearches);
        Assert.Equal(badSearches, await prometheus.ScalarAsync(search400, Cancel));
        Assert.Equal(3, await prometheus.ScalarAsync(
            """sum(http_server_request_duration_seconds_count{http_route="/v1/memories",http_request_method="POST"})""", Cancel));

        // Latency histograms: cumulative buckets whose +Inf bucket equals the count, and a usable quantile.
        Assert.Equal(goodSearches, await prometheus.ScalarAsync(
            """sum(http_server_request_duration_seconds_bucket{http_route="/v1/search",http_response_status_code="200",le="+Inf"})""", Cancel));
        var p99 = await prometheus.ScalarAsync(
            """histogram_quantile(0.99, sum by (le) (http_server_request_duration_seconds_bucket{http_route="/v1/search"}))""", Cancel);
        Assert.NotNull(p99);
        Assert.InRange(p99!.Value, 0, 10);
        Assert.Equal(goodSearches, await prometheus.ScalarAsync("sum(memos_scheduler_search_duration_seconds_count)", Cancel));

        // Cubes by state: every memory created is counted once, the erased one as deleted.
        Assert.Equal(memories - 1, await prometheus.ScalarAsync("""sum(memos_memcubes{state="activated"})""", Cancel));
        Assert.Equal(1, await prometheus.ScalarAsync("""sum(memos_memcubes{state="deleted"})""", Cancel));
        Assert.Equal(memories, await prometheus.ScalarAsync("""sum(memos_memcube_transitions_total{from="none",to="generated"})""", Cancel));
        Assert.Equal(1, await prometheus.ScalarAsync("""sum(memos_memcube_transitions_total{to="deleted"})""", Cancel));
        Assert.Equal(1, await prometheus.ScalarAsync("""up{job="memos-silo"}""", Cancel));
        Assert.Equal(1, await prometheus.ScalarAsync("""sum(memos_cluster_silos{status="active"})""", Cancel));
    }

    /// <summary>The memories the silo counts (it serves only this test), read from its census through the overview.</summary>
    private static async Task<int> CountMemoriesAsync(HttpClient http)
    {
        var overview = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("v1/admin/overview", Cancel);
        return overview.GetProperty("cubes").EnumerateArray().Sum(c => c.GetProperty("count").GetInt32());
    }

    private static async Task WaitForAsync(PrometheusProcess prometheus, string query, double expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        double? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await prometheus.ScalarAsync(query, Cancel);
            if (last == expected)
            {
                return;
            }

            await Task.Delay(500, Cancel);
        }

        Assert.Fail($"Prometheus reported {last?.ToString() ?? "nothing"} for {query}, expected {expected}.");
    }
}
