using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace MemOS.Silo.Tests.Telemetry;

/// <summary>A real Prometheus (Debian's 2.42, installed by <c>./memos test</c>) on 127.0.0.1 scraping one target
/// every second, with its own temporary storage; killed on dispose.</summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;

    private PrometheusProcess(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public static void SkipUnlessInstalled() => Assert.SkipUnless(File.Exists(Binary),
        $"{Binary} is not installed: `./memos test` installs Debian's prometheus package with apt (needs root).");

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (<c>host:port</c>) at <c>/metrics</c> every second.</summary>
    public static async Task<PrometheusProcess> StartAsync(string target, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("memos-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: memos-silo
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target}']
            """, cancellationToken);
        var port = FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var prometheus = new PrometheusProcess(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        await Eventually.TrueAsync(() => prometheus.IsReady(), "Prometheus answers /-/ready");
        return prometheus;
    }

    /// <summary>Runs an instant PromQL query and returns the single sample's value, or null when the result is empty.</summary>
    public async Task<double?> ScalarAsync(string query, CancellationToken cancellationToken)
    {
        using var document = await QueryAsync(query, cancellationToken);
        var result = document.RootElement.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return null;
        }

        Assert.Equal(1, result.GetArrayLength());
        return double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs an instant PromQL query.</summary>
    public async Task<JsonDocument> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var response = await Http.GetFromJsonAsync<JsonElement>("api/v1/query?query=" + Uri.EscapeDataString(query), cancellationToken);
        Assert.Equal("success", response.GetProperty("status").GetString());
        return JsonDocument.Parse(response.GetRawText());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private bool IsReady()
    {
        if (_process.HasExited)
        {
            Assert.Fail($"prometheus exited with code {_process.ExitCode}");
        }

        try
        {
            using var response = Http.GetAsync("-/ready").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
