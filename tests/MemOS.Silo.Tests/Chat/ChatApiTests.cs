using System.Net;
using System.Text;
using System.Text.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests.Chat;

/// <summary><c>/v1/chat</c> and the activation routes on a silo without a generation model: bad input is 400 problem
/// details naming the field, valid requests are 503 naming the setting, and the rest of the silo works.</summary>
public sealed class ChatApiTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_WithoutAModel_Is503InferenceUnavailable_NamingTheSetting_WhileSearchWorks()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        var added = await fixture.Client.AddAsync(new AddMemoriesRequest(user,
            [new ConversationMessage("D1:1", "Caroline", "I went to a support group yesterday.", null)]), Cancel);

        var chat = await Assert.ThrowsAsync<MemOSApiException>(() => fixture.Client.ChatAsync(new ChatRequest(user, "Where did Caroline go?"), Cancel));
        var activate = await Assert.ThrowsAsync<MemOSApiException>(() =>
            fixture.Client.ActivateAsync(new ActivateRequest(user, [added.Memories[0].Memory.Id]), Cancel));

        foreach (var error in new[] { chat, activate })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
            Assert.Equal("urn:memos:problem:inference-unavailable", error.Problem.Type);
            Assert.Contains("MemOS:Inference:ModelPath", error.Problem.Detail, StringComparison.Ordinal);
        }

        Assert.Empty(await fixture.Client.GetActivationsAsync(user, Cancel));
        Assert.NotEmpty((await fixture.Client.SearchAsync(new SearchRequest(user, "support group"), Cancel)).Hits);
        using var ready = await fixture.Http.GetAsync("readyz", Cancel);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("no generation model", await ready.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"message": "hi"}""", "user")]
    [InlineData("""{"user": "a b", "message": "hi"}""", "user")]
    [InlineData("""{"user": "alice"}""", "message")]
    [InlineData("""{"user": "alice", "message": "   "}""", "message")]
    [InlineData("""{"user": "alice", "message": "hi", "tokenBudget": 0}""", "tokenBudget")]
    [InlineData("""{"user": "alice", "message": "hi", "maxTokens": 0}""", "maxTokens")]
    [InlineData("""{"user": "alice", "message": "hi", "maxTokens": 5000}""", "maxTokens")]
    [InlineData("""{"user": "alice", "message": "hi", "temperature": -0.5}""", "temperature")]
    [InlineData("""{"user": "alice", "message": "hi", "temperature": 2.5}""", "temperature")]
    [InlineData("""{"user": "alice", "message": "hi", "seed": -1}""", "seed")]
    [InlineData("""{"user": "alice", "message": "hi", "seed": 4294967296}""", "seed")]
    public async Task Chat_BadInput_Is400NamingTheField(string body, string field)
    {
        using var response = await fixture.Http.PostAsync("v1/chat", Json(body), Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    [Fact]
    public async Task Chat_TooLongOrMalformed_Is400()
    {
        using var tooLong = await fixture.Http.PostAsync("v1/chat",
            Json(JsonSerializer.Serialize(new { user = "alice", message = new string('x', 4097) })), Cancel);
        await ProblemAsync(tooLong, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");

        using var malformed = await fixture.Http.PostAsync("v1/chat", Json("""{"user": "alice", "message": 5}"""), Cancel);
        await ProblemAsync(malformed, HttpStatusCode.BadRequest, "urn:memos:problem:malformed-body");
    }

    [Theory]
    [InlineData("""{"user": "alice"}""")]
    [InlineData("""{"user": "alice", "memoryIds": []}""")]
    [InlineData("""{"user": "alice", "memoryIds": ["01A", "01A"]}""")]
    [InlineData("""{"user": "alice", "memoryIds": ["not/an/id"]}""")]
    public async Task Activate_BadInput_Is400NamingMemoryIds(string body)
    {
        using var response = await fixture.Http.PostAsync("v1/memories/activate", Json(body), Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty("memoryIds", out _));
    }

    [Fact]
    public async Task Activations_WithoutUser_Is400()
    {
        using var response = await fixture.Http.GetAsync("v1/memories/activations", Cancel);
        await ProblemAsync(response, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");
    }

    [Theory]
    [InlineData("""{"memoryIds": ["01A"]}""", "user")]
    [InlineData("""{"user": "alice"}""", "memoryIds")]
    [InlineData("""{"user": "alice", "memoryIds": []}""", "memoryIds")]
    [InlineData("""{"user": "alice", "memoryIds": ["01A", "01A"]}""", "memoryIds")]
    [InlineData("""{"user": "alice", "memoryIds": ["not/an/id"]}""", "memoryIds")]
    [InlineData("""{"user": "alice", "memoryIds": ["01A"], "rank": 0}""", "rank")]
    [InlineData("""{"user": "alice", "memoryIds": ["01A"], "rank": 65}""", "rank")]
    [InlineData("""{"user": "alice", "memoryIds": ["01A"], "steps": 0}""", "steps")]
    [InlineData("""{"user": "alice", "memoryIds": ["01A"], "steps": 10001}""", "steps")]
    public async Task Parameterize_BadInput_Is400NamingTheField(string body, string field)
    {
        using var response = await fixture.Http.PostAsync("v1/memories/parameterize", Json(body), Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    [Fact]
    public async Task Parameterize_WithoutAModel_Is503_AndParametersListsNone()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        var added = await fixture.Client.AddAsync(new AddMemoriesRequest(user,
            [new ConversationMessage("D1:1", "Caroline", "I went to a support group yesterday.", null)]), Cancel);

        using var response = await fixture.Http.PostAsync("v1/memories/parameterize",
            Json(JsonSerializer.Serialize(new { user, memoryIds = new[] { added.Memories[0].Memory.Id } })), Cancel);
        var problem = await ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "urn:memos:problem:inference-unavailable");
        Assert.Contains("MemOS:Inference:ModelPath", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var list = await fixture.Http.GetAsync($"v1/memories/parameters?user={user}", Cancel);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await list.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("parameters").GetArrayLength());
        using var noUser = await fixture.Http.GetAsync("v1/memories/parameters", Cancel);
        await ProblemAsync(noUser, HttpStatusCode.BadRequest, "urn:memos:problem:invalid-request");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        return problem;
    }
}
