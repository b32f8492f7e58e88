using System.Net;
using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Inference.Embeddings;
using MemOS.Inference.Embeddings.OpenAi;
using MemOS.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Silo.Tests;

/// <summary>The silo's OpenAI-compatible <c>/v1/embeddings</c>, and <see cref="OpenAiCompatibleEmbedder"/> against it.</summary>
public sealed class EmbeddingApiTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private IEmbedder SiloEmbedder => fixture.Silo.Services.GetRequiredService<IEmbedder>();

    private Uri V1 => new(fixture.Silo.BaseAddress, "v1/");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<OpenAiCompatibleEmbedder> ClientEmbedderAsync(string? model = null)
        => await OpenAiCompatibleEmbedder.CreateAsync(
            new OpenAiCompatibleEmbedderOptions { Endpoint = V1, Model = model ?? SiloEmbedder.ModelId, MaxBatchSize = 2 },
            cancellationToken: Cancel);

    [Fact]
    public async Task Client_GetsExactlyTheSilosVectors_AcrossBatches()
    {
        using var client = await ClientEmbedderAsync();
        Assert.Equal(SiloEmbedder.Dimension, client.Dimension);
        Assert.Equal(SiloEmbedder.ModelId, client.ModelId);
        string[] texts = ["I adopted a puppy last week.", "  ", "We went camping by the lake.", "Counseling and mental health"];
        var remote = await client.EmbedAsync(texts, Cancel);
        var local = await SiloEmbedder.EmbedAsync(texts.Where(t => !string.IsNullOrWhiteSpace(t)).ToList(), Cancel);
        Assert.Equal(local[0], remote[0]);
        Assert.All(remote[1], x => Assert.Equal(0f, x));
        Assert.Equal(local[1], remote[2]);
        Assert.Equal(local[2], remote[3]);
        Assert.Equal(1f, TensorPrimitives.Norm(remote[3]), 1e-5f);
    }

    [Fact]
    public async Task Base64Encoding_CarriesTheSameFloats()
    {
        var floats = await PostAsync(new { input = "a walk in the park", model = SiloEmbedder.ModelId });
        var base64 = await PostAsync(new { input = new[] { "a walk in the park" }, encoding_format = "base64" });
        Assert.Equal(HttpStatusCode.OK, floats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, base64.StatusCode);
        var a = (await floats.Content.ReadFromJsonAsync(OpenAiJsonContext.Default.EmbeddingsResponse, Cancel))!;
        var b = (await base64.Content.ReadFromJsonAsync(OpenAiJsonContext.Default.EmbeddingsResponse, Cancel))!;
        Assert.False(a.Data![0].Embedding.AsBase64);
        Assert.True(b.Data![0].Embedding.AsBase64);
        Assert.Equal(a.Data[0].Embedding.Vector, b.Data[0].Embedding.Vector);
        Assert.Equal("list", a.Object);
        Assert.Equal(SiloEmbedder.ModelId, a.Model);
        Assert.Equal(5, a.Usage!.PromptTokens); // ceil(18 chars / 4)
    }

    [Fact]
    public async Task Models_ListsTheServedModel()
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        var models = await http.GetFromJsonAsync("v1/models", OpenAiJsonContext.Default.ModelList, Cancel);
        Assert.Equal([SiloEmbedder.ModelId], models!.Data.Select(m => m.Id));
    }

    [Theory]
    [InlineData("""{"input": "x", "model": "text-embedding-3-small"}""", 404, "model-not-found")]
    [InlineData("""{"input": [1, 2, 3]}""", 400, "malformed-body")]
    [InlineData("""{"input": [[1, 2]]}""", 400, "malformed-body")]
    [InlineData("""{"input": 42}""", 400, "malformed-body")]
    [InlineData("""{"input": []}""", 400, "invalid-request")]
    [InlineData("""{"input": ["ok", ""]}""", 400, "invalid-request")]
    [InlineData("""{}""", 400, "invalid-request")]
    [InlineData("""{"input": "x", "encoding_format": "int8"}""", 400, "invalid-request")]
    [InlineData("""{"input": "x", "dimensions": 7}""", 400, "invalid-request")]
    [InlineData("""{"input": "x",""", 400, "malformed-body")]
    public async Task BadRequests_GetProblemDetails(string body, int status, string problem)
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        using var response = await http.PostAsync("v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("urn:memos:problem:" + problem, json.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Client_ForAModelTheSiloDoesNotServe_FailsClearly_WithoutRetrying()
    {
        var error = await Assert.ThrowsAsync<EmbeddingException>(() => ClientEmbedderAsync("no-such-model"));
        Assert.False(error.IsTransient);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASiloConfiguredWithTheOpenAiEmbedder_StoresAndFindsMemories_WithTheRemoteModelId()
    {
        var directory = Path.Combine(Path.GetTempPath(), "memos-openai-silo-" + Guid.NewGuid().ToString("N")[..10]);
        var settings = EmbedderOptions.ParseSpec($"openai:{V1}#{SiloEmbedder.ModelId}");
        await using (var second = await EmbeddedSilo.StartAsync(directory, configure: b => b.Configuration.AddInMemoryCollection(settings),
                         cancellationToken: Cancel))
        {
            Assert.IsType<OpenAiCompatibleEmbedder>(Assert.IsType<MeasuredEmbedder>(second.Services.GetRequiredService<IEmbedder>()).Inner);
            using var client = new MemOSClient(second.BaseAddress);
            var added = await client.AddAsync(new AddMemoriesRequest("bob",
            [
                new ConversationMessage("m1", "Bob", "I adopted a puppy from the shelter.", null),
                new ConversationMessage("m2", "Bob", "Quarterly taxes are due in April.", null),
            ], "c1"), Cancel);
            Assert.Equal(SiloEmbedder.ModelId, (await client.GetAsync("bob", added.Memories[0].Memory.Id, Cancel)).EmbeddingModel);
            var result = await client.SearchAsync(new SearchRequest("bob", "dog", Explain: true), Cancel);
            Assert.Contains("puppy", result.Hits[0].Text, StringComparison.Ordinal);
            Assert.Equal(1, result.Hits[0].Explanation!.DenseRank);
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task ASiloConfiguredWithAGgufModel_ServesAndStoresItsVectors()
    {
        var model = SharedAssets.RequireStoriesModel();
        Assert.SkipWhen(MemOS.Inference.Llama.LlamaLibrary.FindLibraryDirectory() is null,
            "llama.cpp native libraries not installed: run `./memos install`.");
        var directory = Path.Combine(Path.GetTempPath(), "memos-gguf-silo-" + Guid.NewGuid().ToString("N")[..10]);
        var settings = EmbedderOptions.ParseSpec($"gguf:{model}#mean");
        await using (var silo = await EmbeddedSilo.StartAsync(directory, configure: b => b.Configuration.AddInMemoryCollection(settings),
                         cancellationToken: Cancel))
        {
            var embedder = silo.Services.GetRequiredService<IEmbedder>();
            Assert.StartsWith("gguf-stories260k-", embedder.ModelId, StringComparison.Ordinal);
            Assert.EndsWith("-mean", embedder.ModelId, StringComparison.Ordinal);
            using var remote = await OpenAiCompatibleEmbedder.CreateAsync(
                new OpenAiCompatibleEmbedderOptions { Endpoint = new Uri(silo.BaseAddress, "v1/"), Model = embedder.ModelId }, cancellationToken: Cancel);
            Assert.Equal(64, remote.Dimension);
            var texts = new[] { "Once upon a time there was a cat.", "The dog ran to the park." };
            Assert.Equal(await embedder.EmbedAsync(texts, Cancel), await remote.EmbedAsync(texts, Cancel));

            using var client = new MemOSClient(silo.BaseAddress);
            var added = await client.AddAsync(new AddMemoriesRequest("lily", [new ConversationMessage("m1", "Lily", texts[0], null)], "c1"), Cancel);
            var stored = await client.GetAsync("lily", added.Memories[0].Memory.Id, Cancel);
            Assert.Equal(embedder.ModelId, stored.EmbeddingModel);
            var result = await client.SearchAsync(new SearchRequest("lily", "cat", Explain: true), Cancel);
            Assert.Equal(1, Assert.Single(result.Hits).Explanation!.DenseRank);
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task ASiloConfiguredWithAMissingGgufFile_FailsToStart_NamingTheFile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "memos-gguf-missing-" + Guid.NewGuid().ToString("N")[..10]);
        var settings = EmbedderOptions.ParseSpec("gguf:/nonexistent/model.gguf");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => EmbeddedSilo.StartAsync(
            directory, configure: b => b.Configuration.AddInMemoryCollection(settings), cancellationToken: Cancel));
        Assert.Contains("/nonexistent/model.gguf", error.ToString(), StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    private async Task<HttpResponseMessage> PostAsync(object body)
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        return await http.PostAsJsonAsync("v1/embeddings", body, Cancel);
    }
}
