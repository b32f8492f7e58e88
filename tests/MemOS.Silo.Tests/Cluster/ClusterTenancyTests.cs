using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MemOS.Silo.Tests.Cluster;

/// <summary>Tenancy across three silo processes that require keys: governance, memories and the audit log's partitions live in
/// grains spread over the silos, and every silo enforces the same rights. A key revoked through one silo is refused by the
/// others on the next request; a reader's refused write is a 403 whichever silo holds the space; one tenant's key sees
/// nothing of another's on any silo.</summary>
public sealed class ClusterTenancyTests(ClusterTenancyTests.KeyedCluster fixture) : IClassFixture<ClusterTenancyTests.KeyedCluster>
{
    private const string AdminKey = "cluster-tenancy-admin-key-0123456789";

    private static readonly DateTimeOffset Day = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A three-silo cluster started with a cluster admin key.</summary>
    public sealed class KeyedCluster : IAsyncLifetime
    {
        public SiloCluster Cluster { get; } = new() { Settings = [$"MemOS:Auth:AdminKey={AdminKey}"] };

        public ValueTask InitializeAsync() => Cluster.InitializeAsync();

        public ValueTask DisposeAsync() => Cluster.DisposeAsync();
    }

    private HttpClient With(int silo, string key)
    {
        var http = new HttpClient { BaseAddress = fixture.Cluster.Silos[silo].BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task EverySiloEnforcesTheSameTenancy_RevocationThroughOneSiloHoldsOnAll()
    {
        fixture.Cluster.RequirePostgres();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (acme, globex) = ("acme-" + suffix, "globex-" + suffix);
        string acmeAdmin, globexAdmin, ana, rita;
        using (var admin = With(0, AdminKey))
        {
            acmeAdmin = (await OkAsync(admin.PostAsJsonAsync("v1/tenants", new { tenant = acme, admin = "boss" }, Ct), HttpStatusCode.Created)).GetProperty("apiKey").GetString()!;
            globexAdmin = (await OkAsync(admin.PostAsJsonAsync("v1/tenants", new { tenant = globex, admin = "boss" }, Ct), HttpStatusCode.Created)).GetProperty("apiKey").GetString()!;
        }

        using (var boss = With(1, acmeAdmin))
        {
            ana = (await OkAsync(boss.PostAsJsonAsync($"v1/tenants/{acme}/users", new { name = "ana" }, Ct), HttpStatusCode.Created)).GetProperty("apiKey").GetString()!;
            rita = (await OkAsync(boss.PostAsJsonAsync($"v1/tenants/{acme}/users", new { name = "rita", role = "reader" }, Ct), HttpStatusCode.Created)).GetProperty("apiKey").GetString()!;
        }

        string[] texts =
        [
            "Ana restores a 1962 Vespa scooter in her garage in Braga.",
            "The Vespa needs a new clutch cable, which Ana ordered from Porto.",
            "On Sundays Ana rides the scooter to her grandmother's farm near Braga.",
        ];
        for (var silo = 0; silo < 3; silo++)
        {
            using var client = With(silo, ana);
            await OkAsync(client.PostAsJsonAsync("v1/memories", new
            {
                conversationId = "c1", messages = new[] { new { id = "m" + silo, speaker = "Ana", text = texts[silo], timestamp = Day } },
            }, Ct), HttpStatusCode.Created);
        }

        for (var silo = 0; silo < 3; silo++)
        {
            using var anaClient = With(silo, ana);
            var hits = (await OkAsync(anaClient.PostAsJsonAsync("v1/search", new { query = "Vespa scooter garage Braga", topK = 10 }, Ct))).GetProperty("hits");
            Assert.Equal(3, hits.GetArrayLength());

            using var stranger = With(silo, globexAdmin);
            var foreign = (await OkAsync(stranger.PostAsJsonAsync("v1/search", new { user = "ana", query = "Vespa scooter garage Braga" }, Ct))).GetProperty("hits");
            Assert.Equal(0, foreign.GetArrayLength());

            using var reader = With(silo, rita);
            await OkAsync(reader.PostAsJsonAsync("v1/memories", new
            {
                messages = new[] { new { id = "r" + silo, speaker = "Rita", text = "Rita tries to write.", timestamp = Day } },
            }, Ct), HttpStatusCode.Forbidden);
            await OkAsync(reader.PostAsJsonAsync("v1/search", new { user = "ana", query = "Vespa" }, Ct), HttpStatusCode.Forbidden);
        }

        // The audit log, read through any silo, holds the adds made through every silo and the refusals.
        using (var boss = With(2, acmeAdmin))
        {
            var entries = (await OkAsync(boss.GetAsync("v1/audit?limit=1000", Ct))).GetProperty("entries").EnumerateArray().ToList();
            Assert.Equal(3, entries.Count(e => e.GetProperty("principal").GetString() == "ana" && e.GetProperty("action").GetString() == "memory.add"));
            Assert.Equal(6, entries.Count(e => e.GetProperty("principal").GetString() == "rita" && e.GetProperty("outcome").GetString() == "denied"));
            foreach (var partition in entries.GroupBy(e => e.TryGetProperty("partition", out var p) ? p.GetString() : null))
            {
                var sequences = partition.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
                Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
            }

            var users = (await OkAsync(boss.GetAsync($"v1/tenants/{acme}/users", Ct))).GetProperty("principals");
            var anaKeyId = users.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "ana").GetProperty("keyIds")[0].GetString();
            await OkAsync(boss.DeleteAsync($"v1/tenants/{acme}/keys/{anaKeyId}", Ct), HttpStatusCode.NoContent);
        }

        for (var silo = 0; silo < 3; silo++)
        {
            using var anaClient = With(silo, ana);
            await OkAsync(anaClient.PostAsJsonAsync("v1/search", new { query = "Vespa" }, Ct), HttpStatusCode.Unauthorized);
        }
    }
}
