using System.Diagnostics;

namespace MemOS.Deploy.Tests;

/// <summary>Debian's <c>promtool</c> (package <c>prometheus</c>, 2.42) accepts the Prometheus configs and alert rules, and
/// the rules' unit tests pass. Skipped, saying why, when promtool is not installed.</summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task CheckConfig_ComposePrometheusConfig_IsValid()
    {
        var (exitCode, output) = await PromtoolAsync("check", "config", DeployFiles.Path("prometheus", "prometheus.yml"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 1 rule files found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_KubernetesPrometheusConfig_IsValid()
    {
        var (exitCode, output) = await PromtoolAsync("check", "config", DeployFiles.Path("prometheus", "prometheus-kubernetes.yml"));

        // Debian builds Prometheus without Kubernetes service discovery, so its promtool cannot read this file.
        Assert.SkipWhen(exitCode != 0 && output.Contains("field kubernetes_sd_configs not found", StringComparison.Ordinal),
            "This promtool was built without Kubernetes service discovery (Debian's package is); the upstream build checks this file.");
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task CheckRules_AlertRules_AreValid()
    {
        var (exitCode, output) = await PromtoolAsync(["check", "rules", .. DeployFiles.AlertRuleFiles]);

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("FAILED", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_AlertRuleUnitTests_Pass()
    {
        var tests = Directory.GetFiles(DeployFiles.Path("prometheus", "tests"), "*.yml").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(tests);

        var (exitCode, output) = await PromtoolAsync(["test", "rules", .. tests]);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task CheckRules_ARuleWithABrokenExpression_IsRejected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"memos-broken-{Guid.NewGuid():N}.rules.yml");
        await File.WriteAllTextAsync(path, """
            groups:
              - name: broken
                rules:
                  - alert: Broken
                    expr: sum by (instance (rate(http_server_request_duration_seconds_count[5m]))
            """, TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output) = await PromtoolAsync("check", "rules", path);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("FAILED", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var promtool = FindPromtool();
        Assert.SkipWhen(promtool is null,
            "promtool is not installed: `./memos test` installs it with apt (apt-get install --no-install-recommends prometheus).");
        var start = new ProcessStartInfo(promtool!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        return (process.ExitCode, $"promtool {string.Join(' ', arguments)}\n{await stdout}{await stderr}");
    }

    private static string? FindPromtool()
        => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator)
            .Append("/usr/bin")
            .Select(directory => Path.Combine(directory, "promtool"))
            .FirstOrDefault(File.Exists);
}
