using System.CommandLine;
using MemOS.Client;
using MemOS.Inference.Embeddings;
using MemOS.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemOS.Cli;

/// <summary>The <c>--silo</c> option and how commands get a client: to a running silo, or to an embedded one started
/// in-process on a throwaway data folder.</summary>
internal static class SiloConnection
{
    /// <summary>The silo address used when neither <c>--silo</c> nor <c>MEMOS_URL</c> is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080/";

    public static Option<Uri?> CreateOption(string description) => new("--silo")
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (text is null || !Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                result.AddError($"--silo must be an http(s) URL such as {DefaultUrl}, not '{text}'.");
                return null;
            }

            return uri;
        },
    };

    /// <summary>The environment variable holding the API key the SDK commands send (a tenant key, or the cluster admin key).</summary>
    public const string ApiKeyVariable = "MEMOS_API_KEY";

    /// <summary>The tenant the embedded silos of <c>demo</c> and <c>eval</c> create for themselves.</summary>
    public const string LocalTenant = "local";

    /// <summary>A client of the silo to talk to (<see cref="Resolve"/>) sending the key of <c>MEMOS_API_KEY</c>, if any,
    /// else that of <c>MEMOS_ADMIN_KEY</c> (the cluster admin key; what <c>tenant create</c> needs).</summary>
    public static MemOSClient Connect(Uri? option)
    {
        var key = Environment.GetEnvironmentVariable(ApiKeyVariable);
        if (string.IsNullOrWhiteSpace(key))
        {
            key = Environment.GetEnvironmentVariable("MEMOS_ADMIN_KEY");
        }

        return new MemOSClient(Resolve(option), string.IsNullOrWhiteSpace(key) ? null : key.Trim());
    }

    /// <summary>The silo to talk to: <c>--silo</c>, else <c>MEMOS_URL</c>, else <see cref="DefaultUrl"/>.</summary>
    public static Uri Resolve(Uri? option)
    {
        if (option is not null)
        {
            return option;
        }

        var env = Environment.GetEnvironmentVariable("MEMOS_URL");
        return new Uri(string.IsNullOrWhiteSpace(env) ? DefaultUrl : env.TrimEnd('/') + "/");
    }

    /// <summary>The <c>--embedder</c> option: which embedder an embedded silo uses (see
    /// <see cref="EmbedderOptions.ParseSpec"/>); null keeps the configured default (GloVe).</summary>
    public static Option<string?> CreateEmbedderOption() => new("--embedder")
    {
        Description = "The embedder of an embedded silo: glove (default), openai:<endpoint>#<model> " +
                      "(e.g. openai:http://127.0.0.1:11434/v1/#nomic-embed-text) or gguf:<model.gguf>[#mean|cls|last].",
        Validators =
        {
            r =>
            {
                try
                {
                    EmbedderOptions.ParseSpec(r.GetValueOrDefault<string?>() ?? "glove");
                }
                catch (ArgumentException e)
                {
                    r.AddError(e.Message);
                }
            },
        },
    };

    /// <summary>Asks a running silo which embedding model it serves (<c>GET /v1/models</c>).</summary>
    /// <returns>The model id, or <c>unknown</c> when the silo does not say.</returns>
    public static async Task<string> EmbedderModelAsync(Uri silo, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("v1/models", cancellationToken));
            return document.RootElement.GetProperty("data")[0].GetProperty("id").GetString() ?? "unknown";
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or KeyNotFoundException
                                      or InvalidOperationException or IndexOutOfRangeException)
        {
            return "unknown";
        }
    }

    /// <summary>Starts a silo with the settings of an <c>--embedder</c> spec (null: the default embedder), on the
    /// PostgreSQL database of <paramref name="postgresConnectionString"/> when given (else SQLite in
    /// <paramref name="dataDirectory"/>), and, when given, a generation model (<c>MemOS:Inference:ModelPath</c>) for chat
    /// and activation memory.</summary>
    /// <exception cref="CliUsageException">The embedder or the generation model could not be loaded (missing files or
    /// libraries, unreachable endpoint, a bad setting).</exception>
    /// <exception cref="MemOS.Runtime.Storage.GrainStorageException">The database could not be opened or migrated.</exception>
    public static async Task<EmbeddedSilo> StartAsync(
        string dataDirectory, int port, string? embedderSpec, LogLevel minimumLogLevel, CancellationToken cancellationToken,
        string? postgresConnectionString = null, string? modelPath = null, string? adminKey = null)
    {
        try
        {
            return await EmbeddedSilo.StartAsync(dataDirectory, port, builder =>
            {
                if (embedderSpec is not null)
                {
                    builder.Configuration.AddInMemoryCollection(EmbedderOptions.ParseSpec(embedderSpec));
                }

                if (postgresConnectionString is not null)
                {
                    builder.Configuration[$"ConnectionStrings:{SiloOptions.ConnectionStringName}"] = postgresConnectionString;
                }

                if (adminKey is not null)
                {
                    builder.Configuration["MemOS:Auth:AdminKey"] = adminKey;
                }

                if (modelPath is not null)
                {
                    builder.Configuration[$"{InferenceOptions.SectionName}:{nameof(InferenceOptions.ModelPath)}"] = Path.GetFullPath(modelPath);
                }
            }, minimumLogLevel, cancellationToken);
        }
        catch (Exception e) when (e is EmbeddingException or OptionsValidationException)
        {
            throw new CliUsageException($"The silo could not start: {e.Message}");
        }
        catch (Inference.Llama.LlamaException e)
        {
            throw new CliUsageException($"The generation model could not be loaded: {e.Message}");
        }
    }

    /// <summary>Starts an embedded silo on a fresh temporary data folder that is deleted when the lease is disposed. The
    /// silo requires API keys: it gets a random cluster admin key, with which the tenant <see cref="LocalTenant"/> is
    /// created; the lease carries that tenant's admin key.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="embedderSpec">An <c>--embedder</c> spec, or null for the default embedder.</param>
    public static async Task<EmbeddedSiloLease> StartEmbeddedAsync(CancellationToken cancellationToken, string? embedderSpec = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "memos-" + Guid.NewGuid().ToString("N")[..12]);
        var adminKey = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var silo = await StartAsync(dataDirectory, 0, embedderSpec, LogLevel.Warning, cancellationToken, adminKey: adminKey);
        try
        {
            using var admin = new MemOSClient(silo.BaseAddress, adminKey);
            var tenantAdmin = await admin.CreateTenantAsync(LocalTenant, "local-admin", cancellationToken);
            return new EmbeddedSiloLease(silo, dataDirectory, tenantAdmin.ApiKey);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    internal sealed class EmbeddedSiloLease(EmbeddedSilo silo, string dataDirectory, string apiKey) : IAsyncDisposable
    {
        public Uri BaseAddress => silo.BaseAddress;

        /// <summary>The API key of the admin of the tenant <see cref="LocalTenant"/>.</summary>
        public string ApiKey => apiKey;

        /// <summary>The model id of the silo's embedder.</summary>
        public string EmbedderModelId => silo.Services.GetRequiredService<IEmbedder>().ModelId;

        public async ValueTask DisposeAsync()
        {
            await silo.DisposeAsync();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless; the OS cleans /tmp.
            }
        }
    }
}
