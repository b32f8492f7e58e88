using System.Diagnostics;
using System.Net.Http.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Inference.Gguf;
using MemOS.Inference.Llama;
using MemOS.Silo.Hosting;

namespace MemOS.Deploy.Tests;

/// <summary>A real silo on 127.0.0.1 that has served a little of every kind of API traffic (adds, searches with and
/// without a token budget, chats with memory in both forms, a promotion to activation memory, a read, history, an
/// erasure, client errors, the operator routes), and what it exposed at <c>/metrics</c> after it. The silo runs in a
/// process of its own, as operators run it (one metrics pipeline per process).</summary>
/// <remarks>The activation-memory instruments (KV cache, precompute, chat time to first token, promotion decisions)
/// exist only on a silo with a generation model. The silo gets stories260K when the shared model is there, else the
/// tiny synthetic model the project writes itself; both need the llama.cpp libraries of <c>./memos install</c>. Without
/// them the silo runs without a model, <see cref="InferenceSkipReason"/> says why, and the checks of those
/// instruments skip with that message while every other metric is still checked.</remarks>
public sealed class LiveSiloFixture : IAsyncLifetime
{
    /// <summary>The metric name prefixes of the activation-memory instruments.</summary>
    public static readonly IReadOnlyList<string> InferenceMetricPrefixes = ["memos_kvcache_", "memos_activation_", "memos_chat_"];

    public SiloProcess Silo { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public MetricCatalog Metrics { get; private set; } = null!;

    /// <summary>Why the silo runs without a generation model (so without activation-memory metrics), or null.</summary>
    public string? InferenceSkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var model = GenerationModel();
        string[] settings = model is null ? [] :
        [
            $"MemOS:Inference:ModelPath={model}",
            "MemOS:Inference:ContextTokens=512",
            "MemOS:Inference:Threads=1",
            "MemOS:Activation:PromoteMinUses=1",
            "MemOS:Activation:StableFor=00:00:00",
            "MemOS:Activation:BatchWindow=00:00:00.05",
        ];
        Silo = await SiloProcess.StartAsync(settings);
        Http = new HttpClient { BaseAddress = Silo.BaseAddress };
        await DriveTrafficAsync();
        Metrics = await ScrapeAsync();
    }

    /// <summary>Skips the test when the silo has no generation model.</summary>
    public void RequireInference() => Assert.SkipWhen(InferenceSkipReason is not null, InferenceSkipReason ?? "");

    private string? GenerationModel()
    {
        if (LlamaLibrary.FindLibraryDirectory() is not { } libraries || !File.Exists(Path.Combine(libraries, LlamaLibrary.LlamaFileName)))
        {
            InferenceSkipReason = $"the live silo runs without a generation model, so without activation-memory metrics: the llama.cpp " +
                                  $"native libraries are not installed ({LlamaLibrary.PackageRelativePath}); run `./memos install`.";
            return null;
        }

        return SharedAssets.Find(SharedAssets.StoriesModelRelativePath)
            ?? SyntheticLlamaModel.GetOrCreate(SyntheticLlamaConfig.Tiny, Path.Combine(RepositoryLayout.ArtifactsDirectory, "models"));
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }

    private async Task DriveTrafficAsync()
    {
        using var client = new MemOSClient(Http);
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        var added = await client.AddAsync(new AddMemoriesRequest(user,
        [
            new ConversationMessage("D1:1", "Caroline", "I went to a support group yesterday and it was powerful.", null),
            new ConversationMessage("D1:2", "Melanie", "That sounds great! I'm painting a sunrise over the lake.", null),
        ], "conv-deploy"));
        await client.SearchAsync(new SearchRequest(user, "What is Melanie painting?"));
        await client.SearchAsync(new SearchRequest(user, "support group", TokenBudget: 100));
        if (InferenceSkipReason is null)
        {
            await ChatAsync(client, user);
        }

        await client.GetAsync(user, added.Memories[0].Memory.Id);
        await client.GetHistoryAsync(user, added.Memories[0].Memory.Id);
        await client.DeleteAsync(user, added.Memories[^1].Memory.Id);
        foreach (var path in new[] { "v1/memories/not-a-cube-id", "v1/admin/overview", "dashboard", "healthz", "readyz", "v1/models" })
        {
            using var response = await Http.GetAsync(path);
        }
        using var invalid = await Http.PostAsJsonAsync("v1/search", new { user, query = "" });
    }

    /// <summary>A chat (promoted at once: plaintext), the activation computed by the worker, and a chat that restores it.</summary>
    private async Task ChatAsync(MemOSClient client, string user)
    {
        var request = new ChatRequest(user, "What is Melanie painting?", MaxTokens: 4);
        var plain = await client.ChatAsync(request);
        Assert.True(plain.ActivationId is not null, "the first chat should have promoted its block (PromoteMinUses=1)");
        var waited = Stopwatch.StartNew();
        while ((await client.GetActivationsAsync(user)).Single(a => a.Id == plain.ActivationId).State != ActivationState.Ready)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"the activation never became ready:\n{Silo.Output}");
            await Task.Delay(50);
        }

        var injected = await client.ChatAsync(request);
        Assert.True(injected.Form == MemoryForms.Activation, $"the second chat should have restored the activation, got {injected.Form}");
    }

    /// <summary>Scrapes until the traffic shows (the exporter may answer from a short cache).</summary>
    private async Task<MetricCatalog> ScrapeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var catalog = MetricCatalog.Parse(await Http.GetStringAsync("metrics"));
            if (catalog.SampleNames.Contains("memos_scheduler_search_duration_seconds_bucket")
                && catalog.SampleNames.Contains("http_server_request_duration_seconds_bucket")
                && (InferenceSkipReason is not null || catalog.SampleNames.Contains("memos_kvcache_precompute_duration_seconds_bucket")))
            {
                return catalog;
            }

            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"/metrics did not show the API traffic within 30 s; it had: {string.Join(", ", catalog.SampleNames.Order())}");
            }

            await Task.Delay(200);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveSiloCollection : ICollectionFixture<LiveSiloFixture>
{
    public const string Name = "live silo";
}
