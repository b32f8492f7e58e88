using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests;

/// <summary>The Time Machine through the REST API: <c>GET /v1/memories/{id}?asOf=</c> returns exactly the historical
/// version; <c>POST /v1/memories/{id}/rollback</c> restores one as a new version, re-indexed for search, guarded by
/// <c>If-Match</c>.</summary>
public sealed class TimeMachineApiTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MemOSClient Client => fixture.Client;

    private static string NewUser() => "tm" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>One memory with three texts: v2 (added), v3, v4; and a transaction time inside each.</summary>
    private async Task<(string User, string Id, DateTimeOffset[] Times)> ThreeTextsAsync()
    {
        var user = NewUser();
        var added = await Client.AddAsync(new AddMemoriesRequest(user,
            [new ConversationMessage("m1", "Ana", "Ana keeps three beehives on her roof in Lisbon.", May8)], "c1"), Ct);
        var id = added.Memories[0].Memory.Id;
        var times = new List<DateTimeOffset>();
        foreach (var text in new[] { "Ana sold her beehives and took up sailing.", "Ana now restores old motorcycles in a garage." })
        {
            await Task.Delay(30, Ct);
            times.Add(DateTimeOffset.UtcNow);
            await Task.Delay(30, Ct);
            var current = await Client.GetAsync(user, id, Ct);
            await Client.UpdateAsync(user, id, new MemoryUpdate(text), current.Version, Ct);
        }

        await Task.Delay(30, Ct);
        times.Add(DateTimeOffset.UtcNow);
        return (user, id, [.. times]);
    }

    [Fact]
    public async Task GetAsOf_ReturnsEachHistoricalVersionExactly()
    {
        var (user, id, times) = await ThreeTextsAsync();
        var history = await Client.GetHistoryAsync(user, id, Ct);

        var expected = new[] { (2L, "Ana keeps three beehives on her roof in Lisbon."), (3L, "Ana sold her beehives and took up sailing."), (4L, "Ana now restores old motorcycles in a garage.") };
        for (var i = 0; i < times.Length; i++)
        {
            var then = await Client.GetAsOfAsync(user, id, times[i], Ct);
            Assert.Equal(expected[i], (then.Version, then.Text));
            var version = history.Versions.Single(v => v.Version == then.Version);
            Assert.Equal(version.RecordedAt, then.UpdatedAt);
        }

        // Before it existed: 404. A past version carries no ETag (it is not what a write must match).
        var before = await Assert.ThrowsAsync<MemOSApiException>(() => Client.GetAsOfAsync(user, id, May8, Ct));
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        using var raw = await fixture.Http.GetAsync($"v1/memories/{id}?user={user}&asOf={Uri.EscapeDataString(times[0].ToString("O"))}", Ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Null(raw.Headers.ETag);
    }

    [Fact]
    public async Task SearchAsOf_ShowsHitsAsTheyWereThen_AndLeavesOutLaterMemories()
    {
        var (user, id, times) = await ThreeTextsAsync();
        await Client.AddAsync(new AddMemoriesRequest(user,
            [new ConversationMessage("m2", "Ana", "Ana bought a motorcycle helmet at the garage sale.", May8.AddDays(1))], "c1"), Ct);

        var now = await Client.SearchAsync(new SearchRequest(user, "Ana motorcycles garage", 10), Ct);
        Assert.Equal(2, now.Hits.Count);
        Assert.Equal("Ana now restores old motorcycles in a garage.", now.Hits.Single(h => h.Id == id).Text);

        var then = await Client.SearchAsync(new SearchRequest(user, "Ana motorcycles garage", 10, AsOf: times[1]), Ct);
        var hit = Assert.Single(then.Hits);
        Assert.Equal((id, "Ana sold her beehives and took up sailing."), (hit.Id, hit.Text));
        Assert.Contains("sailing", then.Context, StringComparison.Ordinal);
        Assert.DoesNotContain("motorcycle", then.Context, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsOf_NotADate_Is400()
    {
        var (user, id, _) = await ThreeTextsAsync();
        using var response = await fixture.Http.GetAsync($"v1/memories/{id}?user={user}&asOf=yesterday-ish", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Rollback_RestoresTheOldTextAsANewVersion_AndSearchFollows()
    {
        var (user, id, _) = await ThreeTextsAsync();
        var rolled = await Client.RollbackAsync(user, id, 2, 4, Ct);
        Assert.Equal((5L, "Ana keeps three beehives on her roof in Lisbon."), (rolled.Version, rolled.Text));

        var history = await Client.GetHistoryAsync(user, id, Ct);
        Assert.Equal(5, history.Versions.Count);
        Assert.Equal("rolled_back_to_v2", history.Versions[^1].Change);
        Assert.Equal("Ana now restores old motorcycles in a garage.", history.Versions[3].Text);

        // The index follows the restored text: the beehives are found, the motorcycles no longer.
        var bees = await Client.SearchAsync(new SearchRequest(user, "beehives on the roof"), Ct);
        Assert.Equal(id, bees.Hits[0].Id);
        Assert.Contains("beehives", bees.Hits[0].Text, StringComparison.Ordinal);
        var motorcycles = await Client.SearchAsync(new SearchRequest(user, "motorcycles garage"), Ct);
        Assert.DoesNotContain(motorcycles.Hits, h => h.Text.Contains("motorcycles", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollback_Preconditions_428_412_400_AndNothingWritten()
    {
        var (user, id, _) = await ThreeTextsAsync();

        using (var none = await fixture.Http.PostAsync($"v1/memories/{id}/rollback", Json($$"""{"user":"{{user}}","version":2}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.PreconditionRequired, none.StatusCode);
        }

        var stale = await Assert.ThrowsAsync<MemOSApiException>(() => Client.RollbackAsync(user, id, 2, 3, Ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        foreach (var version in new long[] { 4, 9 })
        {
            var bad = await Assert.ThrowsAsync<MemOSApiException>(() => Client.RollbackAsync(user, id, version, 4, Ct));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var zero = new HttpRequestMessage(HttpMethod.Post, $"v1/memories/{id}/rollback"))
        {
            zero.Headers.IfMatch.Add(new EntityTagHeaderValue("\"4\""));
            zero.Content = Json($$"""{"user":"{{user}}","version":0}""");
            using var response = await fixture.Http.SendAsync(zero, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var current = await Client.GetAsync(user, id, Ct);
        Assert.Equal((4L, "Ana now restores old motorcycles in a garage."), (current.Version, current.Text));
        Assert.Equal(4, (await Client.GetHistoryAsync(user, id, Ct)).Versions.Count);
    }

    [Fact]
    public async Task Rollback_OfAnErasedMemory_Is404()
    {
        var (user, id, _) = await ThreeTextsAsync();
        await Client.DeleteAsync(user, id, cancellationToken: Ct);
        var gone = await Assert.ThrowsAsync<MemOSApiException>(() => Client.RollbackAsync(user, id, 2, 5, Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var past = await Assert.ThrowsAsync<MemOSApiException>(() => Client.GetAsOfAsync(user, id, DateTimeOffset.UtcNow, Ct));
        Assert.Equal(HttpStatusCode.NotFound, past.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
