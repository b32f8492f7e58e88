using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace MemOS.Deploy.Tests;

/// <summary>The files under <c>deploy/</c>, parsed: YAML documents as plain object graphs (mappings are
/// <c>Dictionary&lt;object, object&gt;</c>, sequences <c>List&lt;object&gt;</c>, scalars strings, merge keys
/// <c>&lt;&lt;</c> resolved), and the PromQL expressions of the alert rules and the Grafana dashboard.</summary>
public static class DeployFiles
{
    public static string Path(params string[] parts) => RepositoryLayout.InRepository(["deploy", .. parts]);

    public static IReadOnlyList<string> AlertRuleFiles => Directory.GetFiles(Path("prometheus", "rules"), "*.yml").Order(StringComparer.Ordinal).ToList();

    public static string GrafanaDashboard => Path("grafana", "memos-dashboard.json");

    /// <summary>Every document of a YAML file.</summary>
    public static IReadOnlyList<object?> LoadYaml(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StreamReader(path);
        var parser = new MergingParser(new Parser(reader));
        var documents = new List<object?>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add(deserializer.Deserialize(parser));
        }

        return documents;
    }

    public static IReadOnlyDictionary<object, object> Map(object? node, string what)
        => node as Dictionary<object, object> ?? throw new Xunit.Sdk.XunitException($"{what} is not a mapping: {node}");

    public static IReadOnlyList<object> List(object? node, string what)
        => node as List<object> ?? throw new Xunit.Sdk.XunitException($"{what} is not a sequence: {node}");

    public static object? Get(object? node, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? GetString(object? node, params string[] keys) => Get(node, keys) as string;

    /// <summary>The <c>expr</c> of every rule in a Prometheus rule file, with its alert (or record) name.</summary>
    public static IEnumerable<(string Source, string Expression)> RuleExpressions(string path)
    {
        var file = System.IO.Path.GetFileName(path);
        foreach (var document in LoadYaml(path))
        {
            foreach (var group in List(Get(document, "groups"), $"{file}: groups"))
            {
                foreach (var rule in List(Get(group, "rules"), $"{file}: rules of {GetString(group, "name")}"))
                {
                    var name = GetString(rule, "alert") ?? GetString(rule, "record") ?? "(unnamed rule)";
                    yield return ($"{file}: {name}", GetString(rule, "expr") ?? throw new Xunit.Sdk.XunitException($"{file}: {name} has no expr"));
                }
            }
        }
    }

    /// <summary>Every PromQL expression of a Grafana dashboard: the <c>expr</c> of each target, in panels and rows at any
    /// depth, and each query variable's query.</summary>
    public static IEnumerable<(string Source, string Expression)> DashboardExpressions(string path)
    {
        var file = System.IO.Path.GetFileName(path);
        var dashboard = JsonNode.Parse(File.ReadAllText(path)) ?? throw new Xunit.Sdk.XunitException($"{file} is empty");
        foreach (var (title, expr) in Targets(dashboard["panels"]))
        {
            yield return ($"{file}: panel \"{title}\"", expr);
        }

        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if (variable?["type"]?.GetValue<string>() != "query")
            {
                continue;
            }

            var query = variable["query"] switch
            {
                JsonValue value => value.GetValue<string>(),
                JsonObject obj => obj["query"]?.GetValue<string>(),
                _ => null,
            };
            if (query is not null)
            {
                yield return ($"{file}: variable ${variable["name"]}", query);
            }
        }
    }

    private static IEnumerable<(string Title, string Expression)> Targets(JsonNode? panels)
    {
        foreach (var panel in panels?.AsArray() ?? [])
        {
            var title = panel?["title"]?.GetValue<string>() ?? "(untitled)";
            foreach (var target in panel?["targets"]?.AsArray() ?? [])
            {
                if (target?["expr"]?.GetValue<string>() is { } expr)
                {
                    yield return (title, expr);
                }
            }

            foreach (var nested in Targets(panel?["panels"]))
            {
                yield return nested;
            }
        }
    }
}
