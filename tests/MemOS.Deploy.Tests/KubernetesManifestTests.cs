using System.Net;

namespace MemOS.Deploy.Tests;

/// <summary>The manifests in <c>deploy/k8s</c> parse, hang together, and probe routes a live silo answers.</summary>
[Collection(LiveSiloCollection.Name)]
public sealed class KubernetesManifestTests(LiveSiloFixture silo)
{
    private static readonly string[] Probes = ["startupProbe", "livenessProbe", "readinessProbe"];

    [Fact]
    public void Manifests_Parse_AndDeclareTheSiloResources()
    {
        var manifests = Manifests();

        foreach (var (file, document) in manifests)
        {
            Assert.False(string.IsNullOrEmpty(DeployFiles.GetString(document, "apiVersion")), $"{file}: no apiVersion");
            var kind = DeployFiles.GetString(document, "kind");
            Assert.False(string.IsNullOrEmpty(kind), $"{file}: no kind");
            Assert.True(kind == "Kustomization" || !string.IsNullOrEmpty(DeployFiles.GetString(document, "metadata", "name")), $"{file}: {kind} has no metadata.name");
        }

        var kinds = manifests.Select(m => DeployFiles.GetString(m.Document, "kind")).ToHashSet();
        Assert.Superset(new HashSet<string?> { "Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "Kustomization" }, kinds);
        var resources = DeployFiles.List(DeployFiles.Get(Single("Kustomization"), "resources"), "kustomization resources").Cast<string>().Order(StringComparer.Ordinal);
        var files = manifests.Where(m => DeployFiles.GetString(m.Document, "kind") != "Kustomization").Select(m => m.File).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(files, resources);
    }

    [Fact]
    public void Manifests_SelectorsPortsConfigAndSecrets_AreConsistent()
    {
        var deployment = Single("Deployment");
        var podLabels = Labels(DeployFiles.Get(deployment, "spec", "template", "metadata", "labels"));
        Assert.NotEmpty(podLabels);
        Assert.Subset(podLabels.ToHashSet(), Labels(DeployFiles.Get(deployment, "spec", "selector", "matchLabels")).ToHashSet());
        Assert.Subset(podLabels.ToHashSet(), Labels(DeployFiles.Get(Single("Service"), "spec", "selector")).ToHashSet());
        Assert.Subset(podLabels.ToHashSet(), Labels(DeployFiles.Get(Single("PodDisruptionBudget"), "spec", "selector", "matchLabels")).ToHashSet());

        var container = Container();
        var ports = DeployFiles.List(DeployFiles.Get(container, "ports"), "container ports");
        var portNames = ports.Select(p => DeployFiles.GetString(p, "name")).ToHashSet();
        var portNumbers = ports.Select(p => DeployFiles.GetString(p, "containerPort")).ToHashSet();
        foreach (var servicePort in DeployFiles.List(DeployFiles.Get(Single("Service"), "spec", "ports"), "service ports"))
        {
            var target = DeployFiles.GetString(servicePort, "targetPort");
            Assert.True(portNames.Contains(target) || portNumbers.Contains(target), $"the Service targets port {target}, which the silo container does not declare");
        }

        var annotations = DeployFiles.Map(DeployFiles.Get(deployment, "spec", "template", "metadata", "annotations"), "pod annotations");
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Contains(annotations["prometheus.io/port"] as string, portNumbers);

        var configMaps = DeployFiles.List(DeployFiles.Get(container, "envFrom"), "envFrom").Select(e => DeployFiles.GetString(e, "configMapRef", "name"));
        Assert.Contains(DeployFiles.GetString(Single("ConfigMap"), "metadata", "name"), configMaps);

        var secrets = DeployFiles.List(DeployFiles.Get(container, "env"), "env")
            .Where(e => DeployFiles.Get(e, "valueFrom", "secretKeyRef") is not null)
            .ToDictionary(e => DeployFiles.GetString(e, "name")!, e => DeployFiles.Get(e, "valueFrom", "secretKeyRef"));
        Assert.Superset(new HashSet<string> { "MEMOS_ADMIN_KEY", "ConnectionStrings__MemOS" }, secrets.Keys.ToHashSet());
        // The kustomization's comment tells how to create the Secret: it must create every key the silo reads.
        var instructions = File.ReadAllText(DeployFiles.Path("k8s", "kustomization.yaml"));
        foreach (var reference in secrets.Values)
        {
            Assert.Contains($"secret generic {DeployFiles.GetString(reference, "name")}", instructions, StringComparison.Ordinal);
            Assert.Contains($"--from-literal={DeployFiles.GetString(reference, "key")}=", instructions, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Deployment_ProbeAndScrapePaths_AnswerOkOnALiveSilo()
    {
        var container = Container();
        Assert.Equal("/readyz", DeployFiles.GetString(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/healthz", DeployFiles.GetString(container, "livenessProbe", "httpGet", "path"));

        foreach (var probe in Probes)
        {
            if (DeployFiles.GetString(container, probe, "httpGet", "path") is not { } path)
            {
                continue;
            }

            using var response = await silo.Http.GetAsync(path.TrimStart('/'), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe} GET {path} answered {(int)response.StatusCode} on a live silo");
        }

        var scrapePath = DeployFiles.GetString(Single("Deployment"), "spec", "template", "metadata", "annotations", "prometheus.io/path")!;
        using var scrape = await silo.Http.GetAsync(scrapePath.TrimStart('/'), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("# TYPE memos_", await scrape.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static List<(string File, object Document)> Manifests()
        => Directory.GetFiles(DeployFiles.Path("k8s"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(file => DeployFiles.LoadYaml(file).OfType<object>().Select(document => (Path.GetFileName(file), document)))
            .ToList();

    internal static object Single(string kind)
    {
        var matches = Manifests().Where(m => DeployFiles.GetString(m.Document, "kind") == kind).ToList();
        Assert.True(matches.Count == 1, $"expected one {kind} in deploy/k8s, found {matches.Count}");
        return matches[0].Document;
    }

    private static object Container()
    {
        var containers = DeployFiles.List(DeployFiles.Get(Single("Deployment"), "spec", "template", "spec", "containers"), "containers");
        return Assert.Single(containers, c => DeployFiles.GetString(c, "name") == "silo");
    }

    private static IEnumerable<KeyValuePair<string, string>> Labels(object? node)
        => DeployFiles.Map(node, "labels").Select(p => KeyValuePair.Create((string)p.Key, (string)p.Value));
}
