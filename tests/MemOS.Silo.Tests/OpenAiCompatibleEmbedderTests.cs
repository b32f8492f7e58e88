using System.Collections.Concurrent;
using MemOS.Inference.Embeddings;
using MemOS.Inference.Embeddings.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemOS.Silo.Tests;

/// <summary>How <see cref="OpenAiCompatibleEmbedder"/> handles what real endpoints do wrong, against a local HTTP
/// server that answers each request with the next scripted response.</summary>
public sealed class OpenAiCompatibleEmbedderTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(int Status, string Body, string? RetryAfter)> _script = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication _server = null!;
    private Uri _endpoint = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost("/v1/embeddings", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            _requests.Enqueue(http.Request.Headers.Authorization + " " + await reader.ReadToEndAsync());
            var (status, body, retryAfter) = _script.TryDequeue(out var next) ? next : (500, "script exhausted", null);
            http.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                http.Response.Headers.RetryAfter = retryAfter;
            }

            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(body);
        });
        await _server.StartAsync(Cancel);
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _endpoint = new Uri(address + "/v1/");
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static string Vectors(params float[][] vectors) =>
        $$"""{"object":"list","model":"m","data":[{{string.Join(",", vectors.Select((v, i) =>
            $$"""{"object":"embedding","index":{{i}},"embedding":[{{string.Join(",", v)}}]}"""))}}]}""";

    private Task<OpenAiCompatibleEmbedder> CreateAsync(int? dimension = 2, int retries = 3, string? key = null)
        => OpenAiCompatibleEmbedder.CreateAsync(new OpenAiCompatibleEmbedderOptions
        {
            Endpoint = _endpoint,
            Model = "m",
            Dimension = dimension,
            ApiKey = key,
            MaxRetries = retries,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        }, cancellationToken: Cancel);

    [Fact]
    public async Task TransientFailures_AreRetried_ThenSucceed()
    {
        _script.Enqueue((503, "busy", null));
        _script.Enqueue((429, "slow down", "0"));
        _script.Enqueue((200, Vectors([3, 4]), null));
        using var embedder = await CreateAsync();
        var vectors = await embedder.EmbedAsync(["hello"], Cancel);
        Assert.Equal([0.6f, 0.8f], vectors[0]); // normalized from (3, 4)
        Assert.Equal(3, _requests.Count);
    }

    [Fact]
    public async Task PersistentServerErrors_BecomeATransientEmbeddingException()
    {
        for (var i = 0; i < 3; i++)
        {
            _script.Enqueue((502, "bad gateway", null));
        }

        using var embedder = await CreateAsync(retries: 2);
        var error = await Assert.ThrowsAsync<EmbeddingException>(() => embedder.EmbedAsync(["hello"], Cancel));
        Assert.True(error.IsTransient);
        Assert.Contains("502", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _requests.Count);
    }

    [Fact]
    public async Task ClientErrors_AreNotRetried()
    {
        _script.Enqueue((401, """{"error":{"message":"Incorrect API key"}}""", null));
        using var embedder = await CreateAsync(key: "sk-test");
        var error = await Assert.ThrowsAsync<EmbeddingException>(() => embedder.EmbedAsync(["hello"], Cancel));
        Assert.False(error.IsTransient);
        Assert.Contains("Incorrect API key", error.Message, StringComparison.Ordinal);
        Assert.Single(_requests);
        Assert.StartsWith("Bearer sk-test ", _requests.Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"object":"list","data":[]}""", "returned 0 vectors for 1")]
    [InlineData("""{"object":"list","data":[{"object":"embedding","index":3,"embedding":[1,0]}]}""", "index 3")]
    [InlineData("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,0,0]}]}""", "3 components")]
    [InlineData("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AAA"}]}""", "malformed JSON")]
    [InlineData("not json", "malformed JSON")]
    public async Task MalformedAnswers_AreRefused(string body, string message)
    {
        _script.Enqueue((200, body, null));
        using var embedder = await CreateAsync();
        var error = await Assert.ThrowsAsync<EmbeddingException>(() => embedder.EmbedAsync(["hello"], Cancel));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfOrderIndices_AreReordered()
    {
        _script.Enqueue((200, """{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0,2]},{"object":"embedding","index":0,"embedding":[5,0]}]}""", null));
        using var embedder = await CreateAsync();
        var vectors = await embedder.EmbedAsync(["a", "b"], Cancel);
        Assert.Equal([1f, 0f], vectors[0]);
        Assert.Equal([0f, 1f], vectors[1]);
    }

    [Fact]
    public async Task WithoutAConfiguredDimension_TheProbeLearnsIt()
    {
        _script.Enqueue((200, Vectors([1, 2, 3]), null));
        using var embedder = await CreateAsync(dimension: null);
        Assert.Equal(3, embedder.Dimension);
    }

    [Fact]
    public async Task AnUnreachableEndpoint_IsATransientEmbeddingException()
    {
        var closed = new Uri($"http://127.0.0.1:{FreePort()}/v1/");
        var error = await Assert.ThrowsAsync<EmbeddingException>(() => OpenAiCompatibleEmbedder.CreateAsync(
            new OpenAiCompatibleEmbedderOptions { Endpoint = closed, Model = "m", MaxRetries = 1, RetryDelay = TimeSpan.Zero },
            cancellationToken: Cancel));
        Assert.True(error.IsTransient);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://x/v1/", "m")]
    [InlineData("http://127.0.0.1/v1/", " ")]
    public async Task InvalidSettings_AreRefused(string endpoint, string model)
        => await Assert.ThrowsAsync<ArgumentException>(() => OpenAiCompatibleEmbedder.CreateAsync(
            new OpenAiCompatibleEmbedderOptions { Endpoint = new Uri(endpoint), Model = model }, cancellationToken: Cancel));

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
