using MemOS.Client;
using MemOS.Inference.Llama;
using MemOS.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Silo.Tests.Chat;

/// <summary>A silo running the real stories260K model (<c>MemOS:Inference</c>), on a fake clock that the tests move to
/// close batching windows; its tests skip, saying why, when the model or the llama.cpp libraries are absent.</summary>
public sealed class StoriesSiloFixture : IAsyncLifetime
{
    /// <summary>The batching window of KV-precompute requests (closed by <see cref="Time"/>).</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromSeconds(1);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "memos-chat-tests-" + Guid.NewGuid().ToString("N")[..10]);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public EmbeddedSilo Silo { get; private set; } = null!;

    public MemOSClient Client { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    private string? SkipReason { get; set; }

    public async ValueTask InitializeAsync()
    {
        var model = SharedAssets.Find(SharedAssets.StoriesModelRelativePath);
        var libraries = LlamaLibrary.FindLibraryDirectory();
        if (model is null)
        {
            SkipReason = $"Test model shared/{SharedAssets.StoriesModelRelativePath} not found (or set {SharedAssets.SharedDirectoryVariable}).";
            return;
        }

        if (libraries is null || !File.Exists(Path.Combine(libraries, LlamaLibrary.LlamaFileName)))
        {
            SkipReason = $"llama.cpp native libraries not installed ({LlamaLibrary.PackageRelativePath}): run `./memos install`.";
            return;
        }

        Silo = await EmbeddedSilo.StartAsync(DataDirectory, configure: builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Time);
            var settings = builder.Configuration;
            settings["MemOS:Inference:ModelPath"] = model;
            settings["MemOS:Inference:ContextTokens"] = "1024";
            settings["MemOS:Inference:Threads"] = "2";
            settings["MemOS:Activation:PromoteMinUses"] = "2";
            settings["MemOS:Activation:StableFor"] = "00:00:00";
            settings["MemOS:Activation:BatchWindow"] = BatchWindow.ToString("c");
            settings["MemOS:Parameter:LearningRate"] = "0.01"; // a few dozen steps suffice on the tiny model
        });
        Http = new HttpClient { BaseAddress = Silo.BaseAddress };
        Client = new MemOSClient(Http);
    }

    /// <summary>Skips the test when the silo could not run the model.</summary>
    public void RequireModel() => Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }
}
