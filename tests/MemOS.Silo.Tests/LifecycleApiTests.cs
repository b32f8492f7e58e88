using System.Net;
using System.Text.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests;

/// <summary>Archive, restore and time to live through the REST API: an illegal transition is a 409 naming the current
/// state; an archived memory leaves search and comes back; a memory past its <c>expiresAt</c> is never returned.</summary>
public sealed class LifecycleApiTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MemOSClient Client => fixture.Client;

    private async Task<(string User, MemoryRecord Memory)> OneMemoryAsync()
    {
        var user = "lc" + Guid.NewGuid().ToString("N")[..12];
        var added = await Client.AddAsync(new AddMemoriesRequest(user,
            [new ConversationMessage("m1", "Ana", "Ana keeps three beehives on the roof of her flat.", May8)], "c1"), Ct);
        return (user, added.Memories[0].Memory);
    }

    [Fact]
    public async Task ArchiveThenRestore_RoundTripsThroughSearch()
    {
        var (user, memory) = await OneMemoryAsync();
        var archived = await Client.ArchiveAsync(user, memory.Id, memory.Version, Ct);
        Assert.Equal((MemCubeLifecycle.Archived, memory.Text), (archived.State, archived.Text));
        Assert.Empty((await Client.SearchAsync(new SearchRequest(user, "beehives on the roof"), Ct)).Hits);
        Assert.Equal(MemCubeLifecycle.Archived, (await Client.GetAsync(user, memory.Id, Ct)).State);

        var restored = await Client.RestoreAsync(user, memory.Id, cancellationToken: Ct);
        Assert.Equal(MemCubeLifecycle.Activated, restored.State);
        Assert.Equal(memory.Id, (await Client.SearchAsync(new SearchRequest(user, "beehives on the roof"), Ct)).Hits[0].Id);
    }

    [Fact]
    public async Task IllegalTransition_Is409WithTheCurrentState()
    {
        var (user, memory) = await OneMemoryAsync();
        using var response = await fixture.Http.PostAsync($"v1/memories/{memory.Id}/restore?user={user}", null, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, body);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("urn:memos:problem:invalid-transition", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal("Activated", problem.RootElement.GetProperty("currentState").GetString());

        await Client.ArchiveAsync(user, memory.Id, cancellationToken: Ct);
        var twice = await Assert.ThrowsAsync<MemOSApiException>(() => Client.ArchiveAsync(user, memory.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        var stale = await Assert.ThrowsAsync<MemOSApiException>(() => Client.RestoreAsync(user, memory.Id, memory.Version, Ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task ExpiresAt_InThePast_MakesTheMemoryUnreturnable()
    {
        var (user, memory) = await OneMemoryAsync();
        var updated = await Client.UpdateAsync(user, memory.Id, new MemoryUpdate(ExpiresAt: DateTimeOffset.UtcNow.AddSeconds(1)), memory.Version, Ct);
        Assert.NotNull(updated.ExpiresAt);
        await Task.Delay(1500, Ct);

        var gone = await Assert.ThrowsAsync<MemOSApiException>(() => Client.GetAsync(user, memory.Id, Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty((await Client.SearchAsync(new SearchRequest(user, "beehives on the roof"), Ct)).Hits);
        var history = await Client.GetHistoryAsync(user, memory.Id, Ct);
        Assert.All(history.Versions, static v => Assert.Equal("", v.Text));
    }
}
