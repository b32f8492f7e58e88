using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests;

/// <summary>The REST API end to end through the real client SDK and raw HTTP, against a real silo.</summary>
public sealed class MemoryApiTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private MemOSClient Client => fixture.Client;

    private static string NewUser() => "u" + Guid.NewGuid().ToString("N")[..12];

    private static AddMemoriesRequest Conversation(string user, string conversationId = "conv-1") => new(user,
    [
        new ConversationMessage("D1:1", "Caroline", "I went to an LGBTQ support group yesterday and it was powerful.", May8),
        new ConversationMessage("D1:2", "Melanie", "That sounds great! I'm painting a sunrise over the lake.", May8),
        new ConversationMessage("D1:3", "Caroline", "I want to study counseling and mental health next year.", May8.AddMinutes(2)),
    ], conversationId);

    [Fact]
    public async Task Add_ThenSearch_ReturnsMemoryWithProvenanceAndValidTime()
    {
        var user = NewUser();
        var added = await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken);
        Assert.Equal(3, added.Memories.Count);
        Assert.All(added.Memories, m => Assert.True(m.Created));
        Assert.All(added.Memories, m => Assert.Equal(MemCubeLifecycle.Activated, m.Memory.State));

        var result = await Client.SearchAsync(new SearchRequest(user, "What did Caroline want to study?"), TestContext.Current.CancellationToken);
        var top = result.Hits[0];
        Assert.Equal(["D1:3"], top.Provenance.MessageIds);
        Assert.Equal("Caroline", top.Speaker);
        Assert.Equal("conv-1", top.Provenance.ConversationId);
        Assert.Equal(May8.AddMinutes(2), top.ValidFrom);
        Assert.Equal("[8 May 2023] Caroline: I want to study counseling and mental health next year.", top.Rendered);
    }

    [Fact]
    public async Task Search_WithTokenBudget_StaysWithinBudget()
    {
        var user = NewUser();
        await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken);
        var result = await Client.SearchAsync(new SearchRequest(user, "Caroline Melanie painting support group counseling", TokenBudget: 40),
            TestContext.Current.CancellationToken);
        var context = MemoryRendering.RenderGroupedContext(result.Hits.Select(h => new ContextEntry(h.ValidFrom, h.Speaker, h.Text)));
        Assert.NotEmpty(result.Hits);
        Assert.Equal(context, result.Context);
        Assert.True(MemoryRendering.CountTokens(context.Length) <= 40);
        Assert.Equal(MemoryRendering.CountTokens(context.Length), result.UsedTokens);
        Assert.True(result.Hits.Count < 3, "all three memories take more than 40 tokens, so one must be left out");
    }

    [Fact]
    public async Task Search_OtherUser_SeesNothing()
    {
        var user = NewUser();
        await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken);
        var result = await Client.SearchAsync(new SearchRequest(NewUser(), "Caroline counseling"), TestContext.Current.CancellationToken);
        Assert.Empty(result.Hits);
    }

    [Fact]
    public async Task Add_WithOneInvalidMessage_StoresNothing()
    {
        var user = NewUser();
        var request = Conversation(user) with
        {
            Messages = [.. Conversation(user).Messages!, new ConversationMessage("D1:4", "Melanie", "   ", May8)],
        };
        var error = await Assert.ThrowsAsync<MemOSApiException>(() => Client.AddAsync(request, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("urn:memos:problem:invalid-request", error.Problem.Type);
        Assert.Contains("messages[3].text", error.Problem.Detail);

        var search = await Client.SearchAsync(new SearchRequest(user, "Caroline support group"), TestContext.Current.CancellationToken);
        Assert.Empty(search.Hits);
        var retry = await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken);
        Assert.All(retry.Memories, m => Assert.True(m.Created));
    }

    [Fact]
    public async Task Add_SameConversationTwice_DoesNotDuplicate()
    {
        var user = NewUser();
        var first = await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken);
        var second = await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken);
        Assert.All(second.Memories, m => Assert.False(m.Created));
        Assert.Equal(first.Memories.Select(m => m.Memory.Id), second.Memories.Select(m => m.Memory.Id));

        var changed = new AddMemoriesRequest(user, [new ConversationMessage("D1:1", "Caroline", "Something else entirely.", May8)], "conv-1");
        var error = await Assert.ThrowsAsync<MemOSApiException>(() => Client.AddAsync(changed, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal("urn:memos:problem:message-conflict", error.Problem.Type);
        var stored = await Client.GetAsync(user, first.Memories[0].Memory.Id, TestContext.Current.CancellationToken);
        Assert.Equal("I went to an LGBTQ support group yesterday and it was powerful.", stored.Text);
    }

    [Fact]
    public async Task Update_WithCurrentETag_CreatesVersionAndReindexes()
    {
        var user = NewUser();
        var id = (await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken)).Memories[1].Memory.Id;

        using var get = await fixture.Http.GetAsync($"v1/memories/{id}?user={user}", TestContext.Current.CancellationToken);
        Assert.Equal("\"2\"", get.Headers.ETag?.Tag);

        var updated = await Client.UpdateAsync(user, id, new MemoryUpdate(Text: "Melanie is painting a mountain at dusk."), 2,
            TestContext.Current.CancellationToken);
        Assert.Equal(3, updated.Version);

        var mountain = await Client.SearchAsync(new SearchRequest(user, "mountain dusk"), TestContext.Current.CancellationToken);
        Assert.Equal(id, mountain.Hits[0].Id);
        var sunrise = await Client.SearchAsync(new SearchRequest(user, "sunrise lake"), TestContext.Current.CancellationToken);
        Assert.NotEqual(id, sunrise.Hits[0].Id);

        var history = await Client.GetHistoryAsync(user, id, TestContext.Current.CancellationToken);
        Assert.Equal(["created", "activated", "updated"], history.Versions.Select(v => v.Change));
        Assert.Equal([1L, 2L, 3L], history.Versions.Select(v => v.Version));
        Assert.Equal("That sounds great!", history.Versions[0].Text);
    }

    [Fact]
    public async Task Update_WithStaleETag_Is412AndChangesNothing()
    {
        var user = NewUser();
        var id = (await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken)).Memories[0].Memory.Id;
        await Client.UpdateAsync(user, id, new MemoryUpdate(Tags: ["first"]), 2, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<MemOSApiException>(() =>
            Client.UpdateAsync(user, id, new MemoryUpdate(Text: "lost update"), 2, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
        Assert.Equal("urn:memos:problem:version-conflict", error.Problem.Type);
        var stored = await Client.GetAsync(user, id, TestContext.Current.CancellationToken);
        Assert.Equal(3, stored.Version);
        Assert.DoesNotContain("lost update", stored.Text);
    }

    [Fact]
    public async Task Update_WithoutIfMatch_Is428()
    {
        var user = NewUser();
        var id = (await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken)).Memories[0].Memory.Id;
        using var response = await fixture.Http.PatchAsync($"v1/memories/{id}",
            Json($$$"""{"user":"{{{user}}}","update":{"text":"no precondition"}}"""), TestContext.Current.CancellationToken);
        await AssertProblemAsync(response, HttpStatusCode.PreconditionRequired, "urn:memos:problem:precondition-required");
    }

    [Fact]
    public async Task Delete_RemovesFromGetAndSearch_AndErasesHistoryText()
    {
        var user = NewUser();
        var id = (await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken)).Memories[0].Memory.Id;
        await Client.DeleteAsync(user, id, cancellationToken: TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<MemOSApiException>(() => Client.GetAsync(user, id, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        var search = await Client.SearchAsync(new SearchRequest(user, "LGBTQ support group"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(search.Hits, h => h.Id == id);
        var history = await Client.GetHistoryAsync(user, id, TestContext.Current.CancellationToken);
        Assert.Equal("deleted", history.Versions[^1].Change);
        Assert.All(history.Versions, v => Assert.Equal("", v.Text));
    }

    [Fact]
    public async Task Memories_SurviveSiloRestart()
    {
        var user = NewUser();
        var id = (await Client.AddAsync(Conversation(user), TestContext.Current.CancellationToken)).Memories[2].Memory.Id;
        await fixture.RestartAsync();
        var result = await Client.SearchAsync(new SearchRequest(user, "counseling mental health"), TestContext.Current.CancellationToken);
        Assert.Equal(id, result.Hits[0].Id);
        var stored = await Client.GetAsync(user, id, TestContext.Current.CancellationToken);
        Assert.Equal(2, stored.Version);
    }

    [Theory]
    [InlineData("{\"user\": \"a\", \"messages\": [", "urn:memos:problem:malformed-body")]
    [InlineData("{\"user\": 5, \"messages\": []}", "urn:memos:problem:malformed-body")]
    [InlineData("{\"messages\": [{\"id\":\"1\",\"speaker\":\"a\",\"text\":\"b\"}]}", "urn:memos:problem:invalid-request")]
    [InlineData("{\"user\": \"a b\", \"messages\": [{\"id\":\"1\",\"speaker\":\"a\",\"text\":\"b\"}]}", "urn:memos:problem:invalid-request")]
    [InlineData("{\"user\": \"alice\", \"messages\": []}", "urn:memos:problem:invalid-request")]
    [InlineData("{\"user\": \"alice\", \"messages\": [{\"id\":\"1\",\"speaker\":\"a\"}]}", "urn:memos:problem:invalid-request")]
    [InlineData("{\"user\": \"alice\", \"messages\": [{\"id\":\"1\",\"speaker\":\"a\",\"text\":\"x\"},{\"id\":\"1\",\"speaker\":\"a\",\"text\":\"y\"}]}",
        "urn:memos:problem:invalid-request")]
    public async Task Add_BadInput_Is400ProblemDetails(string body, string type)
    {
        using var response = await fixture.Http.PostAsync("v1/memories", Json(body), TestContext.Current.CancellationToken);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, type);
    }

    [Theory]
    [InlineData("{\"user\": \"alice\"}")]
    [InlineData("{\"user\": \"alice\", \"query\": \"x\", \"topK\": 0}")]
    [InlineData("{\"user\": \"alice\", \"query\": \"x\", \"topK\": 201}")]
    [InlineData("{\"user\": \"alice\", \"query\": \"x\", \"tokenBudget\": -5}")]
    public async Task Search_BadInput_Is400ProblemDetails(string body)
    {
        using var response = await fixture.Http.PostAsync("v1/search", Json(body), TestContext.Current.CancellationToken);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");
    }

    [Fact]
    public async Task Add_OversizedBody_Is413AndStoresNothing()
    {
        var user = NewUser();
        var big = new string('x', 30_000);
        var messages = string.Join(",", Enumerable.Range(0, 3).Select(i => $$"""{"id":"m{{i}}","speaker":"a","text":"{{big}}"}"""));
        using var response = await fixture.Http.PostAsync("v1/memories",
            Json($$$"""{"user":"{{{user}}}","messages":[{{{messages}}}]}"""), TestContext.Current.CancellationToken);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "urn:memos:problem:payload-too-large");
        var search = await Client.SearchAsync(new SearchRequest(user, big[..10]), TestContext.Current.CancellationToken);
        Assert.Empty(search.Hits);
    }

    [Fact]
    public async Task Add_NotJson_Is415()
    {
        using var content = new StringContent("user=alice", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await fixture.Http.PostAsync("v1/memories", content, TestContext.Current.CancellationToken);
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "urn:memos:problem:unsupported-media-type");
    }

    [Fact]
    public async Task Get_UnknownId_Is404ProblemDetails()
    {
        using var response = await fixture.Http.GetAsync("v1/memories/01JUNKNOWN000000000000000?user=alice", TestContext.Current.CancellationToken);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "urn:memos:problem:not-found");
    }

    [Fact]
    public async Task Get_WithoutUser_Is400()
    {
        using var response = await fixture.Http.GetAsync("v1/memories/01JUNKNOWN000000000000000", TestContext.Current.CancellationToken);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");
    }

    [Fact]
    public async Task HealthAndOpenApi_AreServed()
    {
        Assert.True(await Client.IsHealthyAsync(TestContext.Current.CancellationToken));
        using var response = await fixture.Http.GetAsync("openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/memories", out _));
        Assert.True(paths.TryGetProperty("/v1/search", out _));
        Assert.True(paths.TryGetProperty("/v1/memories/{id}/history", out _));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(type, doc.RootElement.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("detail").GetString()));
    }
}
