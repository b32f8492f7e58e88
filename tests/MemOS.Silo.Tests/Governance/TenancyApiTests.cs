using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MemOS.Silo.Tests.Governance;

/// <summary>The black-box acceptance test of tenancy: two tenants driven only through the REST API with their own keys.
/// Neither tenant's search, get, history, audit or grants expose the other's data; a reader key cannot write; a revoked
/// key is refused; after erasure of a user none of its memory texts is returned by any route nor present in the SQLite
/// database file.</summary>
public sealed class TenancyApiTests(AuthSiloFixture fixture) : IClassFixture<AuthSiloFixture>
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutAKey_EveryMemoryRouteIs401ProblemDetails()
    {
        using var anonymous = fixture.ClientWith(null);
        using var search = await anonymous.PostAsJsonAsync("v1/search", new { user = "x", query = "anything" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, search.StatusCode);
        Assert.Contains("Bearer", search.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(await search.Content.ReadAsStringAsync(Ct));
        Assert.Equal("urn:memos:problem:unauthenticated", problem.RootElement.GetProperty("type").GetString());

        using var forged = fixture.ClientWith("memos_ZGVmYXVsdA.0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var refused = await forged.GetAsync("v1/spaces", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var health = await anonymous.GetAsync("healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task OnlyTheClusterAdmin_CreatesTenants()
    {
        var acmeAdmin = await fixture.CreateTenantAsync("only-admin-" + Guid.NewGuid().ToString("N")[..6], Ct);
        using var tenantAdmin = fixture.ClientWith(acmeAdmin);
        using var response = await tenantAdmin.PostAsJsonAsync("v1/tenants", new { tenant = "sneaky" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        using var clusterAdmin = fixture.ClientWith(AuthSiloFixture.AdminKey);
        using var again = await clusterAdmin.PostAsJsonAsync("v1/tenants", new { tenant = "sneaky" }, Ct);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        using var twice = await clusterAdmin.PostAsJsonAsync("v1/tenants", new { tenant = "sneaky" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        // The cluster admin manages tenants; memories are reached with a tenant's key.
        using var memories = await clusterAdmin.PostAsJsonAsync("v1/search", new { user = "x", query = "anything" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, memories.StatusCode);
    }

    [Fact]
    public async Task TwoTenants_NeverSeeEachOther_ReadersCannotWrite_RevokedKeysAreRefused_ErasureLeavesNoText()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (acme, globex) = ("acme-" + suffix, "globex-" + suffix);
        var acmeAdminKey = await fixture.CreateTenantAsync(acme, Ct);
        var globexAdminKey = await fixture.CreateTenantAsync(globex, Ct);
        var aliceKey = await fixture.AddPrincipalAsync(acmeAdminKey, acme, "alice", "member", "user", Ct);
        var ritaKey = await fixture.AddPrincipalAsync(acmeAdminKey, acme, "rita", "reader", "user", Ct);
        var botKey = await fixture.AddPrincipalAsync(acmeAdminKey, acme, "bot", "member", "agent", Ct);
        var bobKey = await fixture.AddPrincipalAsync(globexAdminKey, globex, "bob", "member", "user", Ct);
        using var acmeAdmin = fixture.ClientWith(acmeAdminKey);
        using var globexAdmin = fixture.ClientWith(globexAdminKey);
        using var alice = fixture.ClientWith(aliceKey);
        using var rita = fixture.ClientWith(ritaKey);
        using var bot = fixture.ClientWith(botKey);
        using var bob = fixture.ClientWith(bobKey);

        // Both tenants use the same user name ("alice" exists in globex too, as an end user of bob's app), the same
        // conversation and message ids; their texts are distinct.
        string[] aliceTexts =
        [
            "Alice keeps a quokka sanctuary spreadsheet in marmalade purple.",
            "Alice booked the zeppelin tour over Lake Constance for October.",
        ];
        var aliceIds = new List<string>();
        for (var i = 0; i < aliceTexts.Length; i++)
        {
            using var added = await alice.PostAsJsonAsync("v1/memories", Add(null, "c1", "D1:" + (i + 1), "Alice", aliceTexts[i]), Ct);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            aliceIds.Add(JsonDocument.Parse(await added.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("memories")[0].GetProperty("memory").GetProperty("id").GetString()!);
        }

        const string bobText = "Bob repairs vintage theremins in a basement workshop in Ghent.";
        using (var added = await bob.PostAsJsonAsync("v1/memories", Add(null, "c1", "D1:1", "Bob", bobText), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using (var added = await globexAdmin.PostAsJsonAsync("v1/memories", Add("alice", "c1", "D1:1", "Alice", "Globex alice likes plain toast."), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        // Tenant isolation: globex keys see nothing of acme, whatever they name.
        foreach (var (client, user) in new[] { (bob, (string?)null), (globexAdmin, "alice"), (globexAdmin, "bob") })
        {
            var hits = await SearchTextsAsync(client, user, "quokka sanctuary zeppelin Constance");
            Assert.DoesNotContain(hits, h => aliceTexts.Contains(h));
        }

        foreach (var id in aliceIds)
        {
            await AssertStatusAsync(HttpStatusCode.NotFound, globexAdmin.GetAsync($"v1/memories/{id}?user=alice", Ct));
            await AssertStatusAsync(HttpStatusCode.NotFound, globexAdmin.GetAsync($"v1/memories/{id}/history?user=alice", Ct));
            await AssertStatusAsync(HttpStatusCode.NotFound, globexAdmin.DeleteAsync($"v1/memories/{id}?user=alice", Ct));
        }

        await AssertStatusAsync(HttpStatusCode.NotFound, globexAdmin.GetAsync($"v1/tenants/{acme}/users", Ct));
        await AssertStatusAsync(HttpStatusCode.NotFound, globexAdmin.DeleteAsync($"v1/tenants/{acme}/users/alice", Ct));
        await AssertStatusAsync(HttpStatusCode.NotFound, globexAdmin.PostAsJsonAsync($"v1/tenants/{acme}/users", new { name = "mole" }, Ct));

        // A reader reads only what it may, and never writes.
        await AssertStatusAsync(HttpStatusCode.Forbidden, rita.PostAsJsonAsync("v1/memories", Add(null, "c9", "D9:1", "Rita", "Rita tries to write."), Ct));
        await AssertStatusAsync(HttpStatusCode.Forbidden, rita.PostAsJsonAsync("v1/search", new { user = "alice", query = "quokka" }, Ct));
        await AssertStatusAsync(HttpStatusCode.Forbidden, alice.PostAsJsonAsync("v1/search", new { user = "rita", query = "quokka" }, Ct));

        // A shared space: alice creates it, grants rita read and the bot write.
        await AssertStatusAsync(HttpStatusCode.Created, alice.PostAsJsonAsync("v1/spaces", new { space = "team" }, Ct));
        await AssertStatusAsync(HttpStatusCode.Forbidden, rita.PostAsJsonAsync("v1/spaces", new { space = "rita-space" }, Ct));
        await AssertStatusAsync(HttpStatusCode.OK, alice.PostAsJsonAsync("v1/spaces/team/grants", new { principal = "rita", right = "read" }, Ct));
        await AssertStatusAsync(HttpStatusCode.OK, alice.PostAsJsonAsync("v1/spaces/team/grants", new { principal = "bot", right = "write" }, Ct));
        await AssertStatusAsync(HttpStatusCode.NotFound, alice.PostAsJsonAsync("v1/spaces/team/grants", new { principal = "bob", right = "read" }, Ct));
        await AssertStatusAsync(HttpStatusCode.Forbidden, bot.PostAsJsonAsync("v1/spaces/team/grants", new { principal = "rita", right = "admin" }, Ct));
        await AssertStatusAsync(HttpStatusCode.NotFound, bob.GetAsync("v1/spaces/team", Ct));
        await AssertStatusAsync(HttpStatusCode.NotFound, bob.PostAsJsonAsync("v1/spaces/team/grants", new { principal = "bob", right = "read" }, Ct));

        const string teamAliceText = "Alice drafted the team charter about heliotrope badgers.";
        const string teamBotText = "The bot summarised the sprint retro about glacier pipelines.";
        await AssertStatusAsync(HttpStatusCode.Created, alice.PostAsJsonAsync("v1/memories", Add(null, "t1", "T1:1", "Alice", teamAliceText, "team"), Ct));
        await AssertStatusAsync(HttpStatusCode.Created, bot.PostAsJsonAsync("v1/memories", Add(null, "t1", "T1:2", "Bot", teamBotText, "team"), Ct));
        await AssertStatusAsync(HttpStatusCode.Forbidden, rita.PostAsJsonAsync("v1/memories", Add(null, "t1", "T1:3", "Rita", "Rita writes.", "team"), Ct));
        Assert.Contains(teamBotText, await SearchTextsAsync(rita, null, "sprint retro glacier pipelines", "team"));

        // Without a space, a search covers the caller's private space and every shared space it can read.
        var aliceSees = await SearchTextsAsync(alice, null, "quokka glacier pipelines heliotrope");
        Assert.Contains(aliceTexts[0], aliceSees);
        Assert.Contains(teamBotText, aliceSees);
        Assert.DoesNotContain(await SearchTextsAsync(bob, null, "glacier pipelines heliotrope badgers"), h => h == teamBotText || h == teamAliceText);

        // The audit log: each tenant sees its own entries only, with principals and outcomes, never memory text.
        var acmeAudit = await ReadAuditAsync(acmeAdmin);
        Assert.Contains(acmeAudit, e => e.Principal == "alice" && e.Action == "memory.add" && e.Outcome == "ok");
        Assert.Contains(acmeAudit, e => e.Principal == "rita" && e.Action == "memory.add" && e.Outcome == "denied");
        Assert.Contains(acmeAudit, e => e.Principal == "alice" && e.Action == "space.grant" && e.Target == "space:s:team");
        var globexAudit = await ReadAuditAsync(globexAdmin);
        Assert.NotEmpty(globexAudit);
        Assert.DoesNotContain(globexAudit, e => e.Principal is "alice" or "rita" or "bot" || e.Target.Contains("team", StringComparison.Ordinal));
        await AssertStatusAsync(HttpStatusCode.Forbidden, alice.GetAsync("v1/audit", Ct));

        // A revoked key is refused from the next request on.
        string ritaKeyId;
        using (var users = await acmeAdmin.GetAsync($"v1/tenants/{acme}/users", Ct))
        {
            var list = JsonDocument.Parse(await users.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("principals");
            ritaKeyId = list.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "rita").GetProperty("keyIds")[0].GetString()!;
        }

        await AssertStatusAsync(HttpStatusCode.NoContent, acmeAdmin.DeleteAsync($"v1/tenants/{acme}/keys/{ritaKeyId}", Ct));
        await AssertStatusAsync(HttpStatusCode.Unauthorized, rita.PostAsJsonAsync("v1/search", new { query = "glacier", space = "team" }, Ct));

        // Erasure of alice: her private space and what she wrote in the shared space.
        using (var erased = await acmeAdmin.DeleteAsync($"v1/tenants/{acme}/users/alice", Ct))
        {
            var body = await erased.Content.ReadAsStringAsync(Ct);
            Assert.True(erased.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal(3, JsonDocument.Parse(body).RootElement.GetProperty("memoriesErased").GetInt32());
        }

        await AssertStatusAsync(HttpStatusCode.Unauthorized, alice.GetAsync("v1/spaces", Ct));
        string[] erasedTexts = [.. aliceTexts, teamAliceText];
        var everything = new StringBuilder();
        foreach (var client in new[] { acmeAdmin, bot, globexAdmin })
        {
            everything.Append(await BodyAsync(client.PostAsJsonAsync("v1/search", new { user = "alice", query = "quokka zeppelin heliotrope charter", topK = 50 }, Ct)));
            everything.Append(await BodyAsync(client.PostAsJsonAsync("v1/search", new { query = "quokka zeppelin heliotrope charter", topK = 50, space = "team" }, Ct)));
            foreach (var id in aliceIds)
            {
                everything.Append(await BodyAsync(client.GetAsync($"v1/memories/{id}?user=alice", Ct)));
                everything.Append(await BodyAsync(client.GetAsync($"v1/memories/{id}/history?user=alice", Ct)));
            }

            everything.Append(await BodyAsync(client.GetAsync("v1/audit?limit=1000", Ct)));
            everything.Append(await BodyAsync(client.GetAsync("v1/spaces", Ct)));
        }

        var responses = everything.ToString();
        Assert.Contains(teamBotText, responses); // the bot's memory in the shared space stays
        foreach (var text in erasedTexts)
        {
            Assert.DoesNotContain(text, responses, StringComparison.Ordinal);
        }

        // The database file (and its WAL) hold no copy of any erased text, while other tenants' texts are still there.
        var file = ReadDatabaseFiles();
        Assert.True(Contains(file, bobText), "the scan must see stored text (control)");
        foreach (var text in erasedTexts)
        {
            Assert.False(Contains(file, text), $"'{text}' is still in the database file");
        }
    }

    private static object Add(string? user, string conversation, string messageId, string speaker, string text, string? space = null)
        => new { user, conversationId = conversation, space, messages = new[] { new { id = messageId, speaker, text, timestamp = May8 } } };

    private static async Task<List<string>> SearchTextsAsync(HttpClient client, string? user, string query, string? space = null)
    {
        using var response = await client.PostAsJsonAsync("v1/search", new { user, query, topK = 50, space }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("text").GetString()!)];
    }

    private sealed record Entry(string Principal, string Action, string Target, string Outcome);

    private static async Task<List<Entry>> ReadAuditAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("v1/audit?limit=1000", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("entries").EnumerateArray().Select(e => new Entry(
            e.GetProperty("principal").GetString()!, e.GetProperty("action").GetString()!, e.GetProperty("target").GetString()!,
            e.GetProperty("outcome").GetString()!))];
    }

    private static async Task AssertStatusAsync(HttpStatusCode expected, Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.True((int)response.StatusCode < 500, body);
    }

    private static async Task<string> BodyAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True((int)response.StatusCode < 500, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private byte[] ReadDatabaseFiles()
    {
        using var all = new MemoryStream();
        foreach (var path in new[] { fixture.DatabaseFile, fixture.DatabaseFile + "-wal", fixture.DatabaseFile + "-journal" })
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.CopyTo(all);
            }
        }

        return all.ToArray();
    }

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
