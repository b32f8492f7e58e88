using System.Text.Json.Nodes;

namespace MemOS.Deploy.Tests;

/// <summary><c>deploy/grafana</c>: the dashboard JSON is well formed for Grafana and reads the provisioned datasource.</summary>
public sealed class GrafanaDashboardTests
{
    [Fact]
    public void Dashboard_Panels_HaveUniqueIdsAndQueryTheProvisionedDatasource()
    {
        var datasources = Assert.Single(DeployFiles.LoadYaml(DeployFiles.Path("grafana", "provisioning", "datasources", "prometheus.yaml")));
        var datasource = Assert.Single(DeployFiles.List(DeployFiles.Get(datasources, "datasources"), "datasources"));
        var uid = DeployFiles.GetString(datasource, "uid");
        Assert.Equal("prometheus", DeployFiles.GetString(datasource, "type"));
        var dashboard = JsonNode.Parse(File.ReadAllText(DeployFiles.GrafanaDashboard))!;
        Assert.False(string.IsNullOrEmpty(dashboard["uid"]?.GetValue<string>()), "the dashboard has no uid");
        Assert.False(string.IsNullOrEmpty(dashboard["title"]?.GetValue<string>()), "the dashboard has no title");

        var panels = dashboard["panels"]!.AsArray().Select(p => p!).ToList();
        Assert.Equal(panels.Count, panels.Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
        var queried = panels.Where(p => p["type"]!.GetValue<string>() != "row").ToList();
        Assert.True(queried.Count >= 10, $"expected the dashboard's panels, found {queried.Count}");
        foreach (var panel in queried)
        {
            var title = panel["title"]!.GetValue<string>();
            Assert.Equal(uid, panel["datasource"]?["uid"]?.GetValue<string>());
            var targets = panel["targets"]?.AsArray() ?? [];
            Assert.True(targets.Count > 0, $"panel \"{title}\" has no query");
            Assert.All(targets, t => Assert.Equal(uid, t!["datasource"]?["uid"]?.GetValue<string>()));
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t!["expr"]?.GetValue<string>()), $"panel \"{title}\" has an empty query"));
            var position = panel["gridPos"]!;
            Assert.True(position["x"]!.GetValue<int>() + position["w"]!.GetValue<int>() <= 24, $"panel \"{title}\" is wider than the grid");
        }
    }
}
