using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace MemOS.Testing;

/// <summary>A silo in a process of its own (<c>MemOS.Silo.dll</c>, the program operators run), on 127.0.0.1 with a
/// temporary data folder; killed and cleaned up on dispose. Use it where in-process silos would share process-wide
/// state, such as the OpenTelemetry metrics pipeline, which listens to meters by name across hosts.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private SiloProcess(Process process, Uri baseAddress, string dataDirectory, StringBuilder output)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _output = output;
    }

    /// <summary>The silo's base address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Its data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>What the process wrote so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>MemOS.Silo.dll</c> from the test's output folder (the test project must reference the silo
    /// project) and waits until <c>/readyz</c> answers 200.</summary>
    /// <param name="settings">Extra configuration as <c>key=value</c> (e.g. <c>MemOS:Telemetry:ServiceName=x</c>).</param>
    /// <returns>The running silo.</returns>
    public static async Task<SiloProcess> StartAsync(params string[] settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MemOS.Silo.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: reference silo/MemOS.Silo.csproj from the test project.");
        var port = FreePort();
        var dataDirectory = Directory.CreateTempSubdirectory("memos-silo-process-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, $"--urls=http://127.0.0.1:{port}", $"--MemOS:Silo:DataDirectory={dataDirectory}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var setting in settings)
        {
            start.ArgumentList.Add("--" + setting);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{port}/"), dataDirectory, output);
        using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"The silo exited with code {process.ExitCode}:\n{silo.Output}");
            }

            try
            {
                using var response = await http.GetAsync("readyz", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return silo;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                // One probe outlived its timeout: a loaded machine (parallel test classes start silos at once); retry.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                await silo.DisposeAsync();
                Assert.Fail($"The silo was not ready within 120 s:\n{silo.Output}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no goodbye to the cluster. The data folder stays
    /// until <see cref="DisposeAsync"/>.</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await _process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
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
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
