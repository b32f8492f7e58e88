using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;

namespace MemOS.Silo.Tests.Governance;

/// <summary>Property-based robustness of every route (FsCheck, fixed seed, a bounded number of cases): generated
/// requests (hostile names and ids, malformed and mistyped JSON, wrong content types, forged and foreign keys, bogus
/// If-Match headers) sent with the keys of two tenants. Properties: no response is a 5xx; a request answered with
/// 4xx changed no stored state (audit entries of refusals aside); a request made with tenant A's (or no, or a forged)
/// key changed nothing stored for tenant B. (The one 5xx allowed is the documented 503 of the model routes on a silo
/// without a generation model.)</summary>
public sealed class RouteFuzzTests(AuthSiloFixture fixture, ITestOutputHelper output) : IClassFixture<AuthSiloFixture>
{
    /// <summary>The cases run by <c>./memos test</c>.</summary>
    private const int Cases = 2000;

    private const ulong Seed = 20261202;

    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One generated request.</summary>
    public sealed record FuzzRequest(string Method, string Path, string KeyName, string? Body, string ContentType, string? IfMatch)
    {
        public override string ToString() => $"{Method} {Path} key={KeyName} if-match={IfMatch} type={ContentType} body={Body}";
    }

    [Fact]
    public async Task EveryRoute_GeneratedHostileRequests_NeverFail500_NeverWritePartially_NeverReachTheOtherTenant()
    {
        var world = await World.CreateAsync(fixture);
        var checkedCases = 0;
        var statusCounts = new SortedDictionary<int, int>();
        var property = Prop.ForAll(Arb.From(Requests(world)), request =>
        {
            var status = Task.Run(() => RunAsync(world, request)).GetAwaiter().GetResult();
            statusCounts[status] = statusCounts.GetValueOrDefault(status) + 1;
            checkedCases++;
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithReplay(Seed, 0x9E3779B97F4A7C15UL), property);
        output.WriteLine($"{checkedCases} cases; statuses: {string.Join(", ", statusCounts.Select(p => $"{p.Key}x{p.Value}"))}");
        Assert.Equal(Cases, checkedCases);

        // The generator must reach past validation: some writes succeed and some are refused for each reason.
        Assert.Contains(statusCounts.Keys, s => s is >= 200 and < 300);
        Assert.Contains(400, statusCounts.Keys);
        Assert.Contains(401, statusCounts.Keys);
        Assert.Contains(403, statusCounts.Keys);
        Assert.Contains(404, statusCounts.Keys);
    }

    private async Task<int> RunAsync(World world, FuzzRequest request)
    {
        var before = world.Snapshot();
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (world.Keys[request.KeyName] is { } key)
        {
            message.Headers.TryAddWithoutValidation("Authorization", key);
        }

        if (request.IfMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", request.IfMatch);
        }

        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        }

        using var response = await world.Http.SendAsync(message, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var status = (int)response.StatusCode;
        // The one 5xx allowed: 503 from the model routes of a silo configured without a generation model (a setting).
        Assert.True(status < 500 || (status == 503 && body.Contains("urn:memos:problem:inference-unavailable", StringComparison.Ordinal)),
            $"{status} for {request}: {body}");
        var after = world.Snapshot();

        if (status >= 400)
        {
            var changed = Changed(before, after, audit: false).ToList();
            Assert.True(changed.Count == 0, $"{status} for {request} yet changed {string.Join(", ", changed)}: {body}");
        }

        if (!request.KeyName.StartsWith("b-", StringComparison.Ordinal) && request.KeyName != "cluster-admin")
        {
            var foreign = Changed(before, after, audit: true).Where(k => world.IsTenantB(k)).ToList();
            Assert.True(foreign.Count == 0, $"{request} changed tenant B's {string.Join(", ", foreign)}: {body}");
        }

        return status;
    }

    private static IEnumerable<string> Changed(Dictionary<string, string> before, Dictionary<string, string> after, bool audit)
        => before.Keys.Union(after.Keys)
            .Where(k => audit || !World.IsAudit(k))
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k));

    /// <summary>The generator: half hostile requests over every route, half well-formed requests (the right key, id,
    /// body and If-Match for a route) with at most one field, header or key changed, so that writes succeed too and
    /// near-misses reach past validation.</summary>
    private static Gen<FuzzRequest> Requests(World world)
        => Gen.Frequency((1, Hostile(world)), (1, NearMiss(world)));

    private static Gen<FuzzRequest> NearMiss(World world)
    {
        var hostile = Gen.Elements("", "..", "%2F", "u:", "~x", "💥", "-1", new string('x', 65), "' OR 1=1 --", "*");
        var versions = Gen.Elements("\"1\"", "\"2\"", "\"3\"", "\"4\"");
        var tenantOf = (string prefix) => prefix == "a-" ? world.TenantA : world.TenantB;
        var templates =
            from prefix in Gen.Elements("a-", "b-")
            from role in Gen.Elements("member", "admin", "reader")
            from index in Gen.Choose(0, 1)
            from n in Gen.Choose(0, 50)
            from version in versions
            from kind in Gen.Choose(0, 15)
            select Template(prefix, role, world.MemoryIds[(prefix == "a-" ? 0 : 2) + index], index == 1 ? "team" : null, n, version, kind, tenantOf(prefix));
        return
            from template in templates
            from mutation in Gen.Choose(0, 5)
            from key in Gen.Elements(world.Keys.Keys.ToArray())
            from bad in hostile
            from header in Gen.Elements<string?>(null, "\"99\"", "W/\"1\"", "*")
            select mutation switch
            {
                0 => template with { KeyName = key },
                1 => template with { IfMatch = header },
                2 when template.Body is not null => template with { Body = CorruptOneField(template.Body, bad) },
                3 => template with { Path = template.Path.Contains('?') ? template.Path + "&user=" + Esc(bad) : template.Path + "?space=" + Esc(bad) },
                _ => template,
            };
    }

    private static FuzzRequest Template(string prefix, string role, string memoryId, string? space, int n, string version, int kind, string tenant)
    {
        var key = prefix + role;
        var spaceQuery = space is null ? "" : "&space=" + space;
        var json = (object body) => JsonSerializer.Serialize(body);
        return kind switch
        {
            0 or 1 => new("POST", "v1/memories", key, json(new { space, conversationId = "fz", messages = new[] { new { id = "F" + n, speaker = "Ana", text = $"Ana noted fact number {n}.", timestamp = May8 } } }), "application/json", null),
            2 => new("PATCH", $"v1/memories/{memoryId}", key, json(new { space, update = new { text = $"Ana likes tea, take {n}." } }), "application/json", version),
            3 => new("DELETE", $"v1/memories/{memoryId}?x=1{spaceQuery}", key, null, "application/json", version),
            4 => new("POST", $"v1/memories/{memoryId}/archive?x=1{spaceQuery}", key, null, "application/json", version),
            5 => new("POST", $"v1/memories/{memoryId}/restore?x=1{spaceQuery}", key, null, "application/json", version),
            6 => new("POST", $"v1/memories/{memoryId}/rollback", key, json(new { space, version = 1 }), "application/json", version),
            7 => new("POST", "v1/search", key, json(new { space, query = "Ana tea fact", topK = 5 }), "application/json", null),
            8 => new("GET", $"v1/memories/{memoryId}/history?x=1{spaceQuery}", key, null, "application/json", null),
            9 => new("POST", "v1/spaces", key, json(new { space = "s" + n }), "application/json", null),
            10 => new("POST", $"v1/spaces/team/grants", key, json(new { principal = n % 2 == 0 ? "rita" : "boss", right = n % 3 == 0 ? "write" : "read" }), "application/json", null),
            11 => new("DELETE", $"v1/spaces/team/grants/rita", key, null, "application/json", null),
            12 => new("POST", $"v1/tenants/{tenant}/users", key, json(new { name = "u" + n, role = "member" }), "application/json", null),
            13 => new("POST", $"v1/tenants/{tenant}/users/rita/keys", key, null, "application/json", null),
            14 => new("GET", $"v1/audit?limit={1 + n}", key, null, "application/json", null),
            _ => new("DELETE", $"v1/tenants/{tenant}/users/u{n}", key, null, "application/json", null),
        };
    }

    private static string CorruptOneField(string body, string bad)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        var name = node.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault(k => bad.Length % 2 == 0 || k != "space") ?? "user";
        node[name] = bad.Length % 3 == 0 ? JsonValue.Create(bad.Length) : JsonValue.Create(bad);
        return node.ToJsonString();
    }

    private static Gen<FuzzRequest> Hostile(World world)
    {
        var hostile = Gen.Elements(
            "", " ", "..", ".", "%2F", "a/b", "u:", "s:x", "~x", "\u0000", "💥", "null", "-1", "0", "99999999999999999999",
            new string('x', 65), new string('a', 300), "<script>", "' OR 1=1 --", "${jndi:x}", "%00", "\\", "*", "a b");
        var userNames = Gen.Frequency((3, Gen.Elements(world.Users)), (1, hostile));
        var ids = Gen.Frequency((4, Gen.Elements(world.MemoryIds)), (1, hostile), (1, Gen.Constant("01JZZZZZZZZZZZZZZZZZZZZZZZ")));
        var spaces = Gen.Frequency((3, Gen.Elements("team", "u:alice", "u:bob", "nope", "other-team")), (1, hostile));
        var tenants = Gen.OneOf(Gen.Elements(world.TenantA, world.TenantB, "default"), hostile);
        var scalars = Gen.OneOf(
            Gen.Constant<JsonNode?>(null),
            Gen.Choose(-5, 5).Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Constant<JsonNode?>(JsonValue.Create(1e308)),
            Gen.Constant<JsonNode?>(JsonValue.Create(true)),
            hostile.Select(s => (JsonNode?)JsonValue.Create(s)),
            userNames.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Constant<JsonNode?>(JsonValue.Create("2023-05-08T13:56:00Z")),
            Gen.Constant<JsonNode?>(new JsonArray()),
            Gen.Constant<JsonNode?>(new JsonObject()));
        var fieldNames = Gen.Elements(
            "user", "space", "query", "topK", "tokenBudget", "messages", "conversationId", "update", "version", "memoryIds",
            "message", "maxTokens", "temperature", "seed", "tenant", "admin", "name", "role", "kind", "principal", "right", "filters",
            "asOf", "referenceTime", "explain", "rank", "steps", "input", "model", "text", "expiresAt", "id");
        var field = Gen.Zip(fieldNames, scalars);
        var message =
            from id in Gen.Elements("m1", "D1:1", "", "x")
            from speaker in Gen.Frequency((4, Gen.Elements("ana", "")), (1, hostile))
            from text in Gen.Frequency((4, Gen.Elements("Ana likes tea.", "Ana moved to Porto.", "")), (1, hostile))
            select (JsonNode?)new JsonObject { ["id"] = id, ["speaker"] = speaker, ["text"] = text, ["timestamp"] = "2023-05-08T13:56:00Z" };
        var parts =
            from fields in Gen.Frequency((3, Gen.Constant<IList<(string, JsonNode?)>>([])), (2, Gen.ListOf(field).Select(l => (IList<(string, JsonNode?)>)[.. l])))
            from user in userNames
            from space in spaces
            from m in message
            from shape in Gen.Elements(0, 1, 2, 3)
            select (Item1: fields, Item2: user, Item3: space, Item4: m, Item5: shape);
        var validish = parts.Select(t =>
        {
            var body = new JsonObject();
            switch (t.Item5)
            {
                case 0:
                    body["user"] = t.Item2;
                    break;
                case 1:
                    body["space"] = t.Item3;
                    break;
                case 2:
                    body["user"] = t.Item2;
                    body["space"] = t.Item3;
                    break;
            }

            body["messages"] = new JsonArray(t.Item4);
            body["query"] = "tea";
            body["update"] = new JsonObject { ["text"] = "Ana likes green tea." };
            body["version"] = 1;
            body["memoryIds"] = new JsonArray("01JZZZZZZZZZZZZZZZZZZZZZZZ");
            foreach (var (name, value) in (IEnumerable<(string, JsonNode?)>)t.Item1)
            {
                body[name] = value?.DeepClone();
            }

            return body.ToJsonString();
        });
        var bodies = Gen.Frequency(
            (6, validish.Select(b => (string?)b)),
            (1, Gen.Constant<string?>(null)),
            (1, Gen.Elements<string?>("", "{", "[]", "null", "\"x\"", "{\"user\":", "{\"messages\":[{}]}", "{\"user\":{\"a\":1}}", "\u0001\u0002")),
            (1, Gen.ArrayOf(Gen.Choose(32, 126).Select(c => (char)c)).Select(cs => (string?)new string(cs))));
        var routes = Gen.OneOf(
            Gen.Constant(("POST", "v1/memories")),
            Gen.Constant(("POST", "v1/search")),
            from id in ids from user in userNames from space in spaces select ("GET", $"v1/memories/{Esc(id)}?user={Esc(user)}&space={Esc(space)}"),
            Gen.Zip(ids, userNames).Select(t => ("GET", $"v1/memories/{Esc(t.Item1)}?user={Esc(t.Item2)}&asOf={Esc(t.Item2)}")),
            ids.Select(id => ("PATCH", $"v1/memories/{Esc(id)}")),
            Gen.Zip(ids, userNames).Select(t => ("DELETE", $"v1/memories/{Esc(t.Item1)}?user={Esc(t.Item2)}")),
            Gen.Zip(ids, userNames).Select(t => ("GET", $"v1/memories/{Esc(t.Item1)}/history?user={Esc(t.Item2)}")),
            from id in ids from user in userNames from verb in Gen.Elements("archive", "restore") select ("POST", $"v1/memories/{Esc(id)}/{verb}?user={Esc(user)}"),
            ids.Select(id => ("POST", $"v1/memories/{Esc(id)}/rollback")),
            userNames.Select(u => ("POST", $"v1/memories/reembed?user={Esc(u)}")),
            Gen.Constant(("POST", "v1/memories/activate")),
            userNames.Select(u => ("GET", $"v1/memories/activations?user={Esc(u)}")),
            Gen.Constant(("POST", "v1/memories/parameterize")),
            userNames.Select(u => ("GET", $"v1/memories/parameters?user={Esc(u)}")),
            Gen.Constant(("POST", "v1/chat")),
            Gen.Constant(("POST", "v1/embeddings")),
            Gen.Constant(("GET", "v1/models")),
            Gen.Constant(("POST", "v1/tenants")),
            tenants.Select(t => ("POST", $"v1/tenants/{Esc(t)}/users")),
            tenants.Select(t => ("GET", $"v1/tenants/{Esc(t)}/users")),
            Gen.Zip(tenants, userNames).Select(t => ("DELETE", $"v1/tenants/{Esc(t.Item1)}/users/{Esc(t.Item2)}")),
            Gen.Zip(tenants, userNames).Select(t => ("POST", $"v1/tenants/{Esc(t.Item1)}/users/{Esc(t.Item2)}/keys")),
            Gen.Zip(tenants, Gen.OneOf(Gen.Elements(world.KeyIds), hostile)).Select(t => ("DELETE", $"v1/tenants/{Esc(t.Item1)}/keys/{Esc(t.Item2)}")),
            Gen.Constant(("POST", "v1/spaces")),
            Gen.Constant(("GET", "v1/spaces")),
            spaces.Select(s => ("GET", $"v1/spaces/{Esc(s)}")),
            spaces.Select(s => ("DELETE", $"v1/spaces/{Esc(s)}")),
            spaces.Select(s => ("POST", $"v1/spaces/{Esc(s)}/grants")),
            Gen.Zip(spaces, userNames).Select(t => ("DELETE", $"v1/spaces/{Esc(t.Item1)}/grants/{Esc(t.Item2)}")),
            Gen.Zip(tenants, Gen.Elements("0", "-1", "x", "5", "99999999999999999999", "1.1.", "638000000000000000.3.dTphbmE")).Select(t => ("GET", $"v1/audit?after={Esc(t.Item2)}&limit={(t.Item2.Length % 3 == 0 ? "5" : t.Item2)}&tenant={Esc(t.Item1)}")),
            Gen.Constant(("GET", "v1/cluster/members")),
            Gen.Constant(("GET", "v1/admin/overview")),
            Gen.Elements("memscheduler/SearchAsync", "memcube/DeleteAsync", "x/y").Select(p => ("POST", "internal/v1/grains/" + p)),
            Gen.Constant(("POST", "internal/v1/cluster/refresh")),
            Gen.Constant(("GET", "healthz")));
        return
            from route in routes
            from key in Gen.Elements(world.Keys.Keys.ToArray())
            from body in bodies
            from contentType in Gen.Frequency((6, Gen.Constant("application/json")), (1, Gen.Elements("text/plain", "application/xml", "application/json; charset=latin1")))
            from ifMatch in Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Gen.Elements<string?>("\"1\"", "\"2\"", "*", "W/\"1\"", "\"abc\"", "1", "\"-5\"", "\"99999999999999999999\"")))
            select new FuzzRequest(route.Item1, route.Item2, key, body, contentType, ifMatch);
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);

    /// <summary>Two tenants with users, memories and a shared space each; the keys the cases choose from.</summary>
    private sealed class World
    {
        public required HttpClient Http { get; init; }
        public required string TenantA { get; init; }
        public required string TenantB { get; init; }
        public required string DatabaseFile { get; init; }
        public required Dictionary<string, string?> Keys { get; init; }
        public required string[] Users { get; init; }
        public required string[] MemoryIds { get; init; }
        public required string[] KeyIds { get; init; }

        public bool IsTenantB(string snapshotKey)
        {
            var key = snapshotKey[(snapshotKey.IndexOf(' ') + 1)..];
            return key == TenantB || key.StartsWith(TenantB + "/", StringComparison.Ordinal);
        }

        public static bool IsAudit(string snapshotKey) => snapshotKey.StartsWith("memaudit", StringComparison.Ordinal);

        /// <summary>Every stored record's (type/state key) and ETag, read straight from the SQLite file.</summary>
        public Dictionary<string, string> Snapshot()
        {
            using var connection = new SqliteConnection($"Data Source={DatabaseFile};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT grain_type, state_name, grain_key, etag FROM grain_state";
            using var reader = command.ExecuteReader();
            var rows = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                rows[$"{reader.GetString(0)}/{reader.GetString(1)} {reader.GetString(2)}"] = reader.GetString(3);
            }

            return rows;
        }

        public static async Task<World> CreateAsync(AuthSiloFixture fixture)
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var (a, b) = ("fuzz-a-" + suffix, "fuzz-b-" + suffix);
            var keys = new Dictionary<string, string?> { ["none"] = null, ["cluster-admin"] = "Bearer " + AuthSiloFixture.AdminKey };
            var memoryIds = new List<string>();
            var keyIds = new List<string>();
            foreach (var (tenant, prefix) in new[] { (a, "a-"), (b, "b-") })
            {
                var admin = await fixture.CreateTenantAsync(tenant, Ct);
                keys[prefix + "admin"] = "Bearer " + admin;
                keys[prefix + "member"] = "Bearer " + await fixture.AddPrincipalAsync(admin, tenant, "alice", "member", "user", Ct);
                keys[prefix + "reader"] = "Bearer " + await fixture.AddPrincipalAsync(admin, tenant, "rita", "reader", "user", Ct);
                using var member = fixture.ClientWith(keys[prefix + "member"]![7..]);
                using (var space = await member.PostAsJsonAsync("v1/spaces", new { space = "team" }, Ct))
                {
                    Assert.True(space.IsSuccessStatusCode);
                }

                foreach (var (text, space) in new[] { ("Ana likes tea in the morning.", (string?)null), ("The team ships on Fridays.", "team") })
                {
                    using var added = await member.PostAsJsonAsync("v1/memories", new
                    {
                        space, conversationId = "c1",
                        messages = new[] { new { id = "D1:" + memoryIds.Count, speaker = "Ana", text, timestamp = May8 } },
                    }, Ct);
                    var body = await added.Content.ReadAsStringAsync(Ct);
                    Assert.True(added.IsSuccessStatusCode, body);
                    memoryIds.Add(JsonDocument.Parse(body).RootElement.GetProperty("memories")[0].GetProperty("memory").GetProperty("id").GetString()!);
                }

                using var adminClient = fixture.ClientWith(admin);
                using var users = await adminClient.GetAsync($"v1/tenants/{tenant}/users", Ct);
                keyIds.AddRange(JsonDocument.Parse(await users.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("principals")
                    .EnumerateArray().SelectMany(p => p.GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()!)));
            }

            keys["forged"] = "Bearer memos_" + Convert.ToBase64String(Encoding.UTF8.GetBytes(a)).TrimEnd('=') + ".0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
            keys["garbage"] = "Basic Zm9vOmJhcg==";
            return new World
            {
                Http = fixture.ClientWith(null),
                TenantA = a,
                TenantB = b,
                DatabaseFile = fixture.DatabaseFile,
                Keys = keys,
                Users = ["alice", "rita", "boss", "bob", "nobody"],
                MemoryIds = [.. memoryIds],
                KeyIds = [.. keyIds],
            };
        }
    }
}
