using System.CommandLine;
using MemOS.Client;
using MemOS.Silo.Hosting;

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

    /// <summary>Starts an embedded silo on a fresh temporary data folder that is deleted when the lease is disposed.</summary>
    public static async Task<EmbeddedSiloLease> StartEmbeddedAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "memos-" + Guid.NewGuid().ToString("N")[..12]);
        var silo = await EmbeddedSilo.StartAsync(dataDirectory, cancellationToken: cancellationToken);
        return new EmbeddedSiloLease(silo, dataDirectory);
    }

    internal sealed class EmbeddedSiloLease(EmbeddedSilo silo, string dataDirectory) : IAsyncDisposable
    {
        public Uri BaseAddress => silo.BaseAddress;

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
