using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Analytics.Tests.Deployment;

/// <summary>
/// docker-compose.yml and the Dockerfile, read as files: no Docker engine runs here, so these prove the file's shape
/// (a pinned ClickHouse, health checks, a non-root service, volumes declared, secrets from the environment), not a run.
/// </summary>
public sealed partial class ComposeFileTests
{
    static readonly string Root = TestPaths.RepositoryRoot;

    static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    static YamlMappingNode Service(string name) => (YamlMappingNode)((YamlMappingNode)Compose()["services"])[name];

    static string Text(YamlNode node) => ((YamlScalarNode)node).Value!;

    [Fact]
    public void ClickHouse_is_pinned_to_a_full_version_and_both_services_have_health_checks()
    {
        var image = Text(Service("clickhouse")["image"]);
        Assert.Matches(PinnedClickHouse(), image);
        Assert.True(Service("clickhouse").Children.ContainsKey("healthcheck"));
        var check = (YamlSequenceNode)((YamlMappingNode)Service("analytics")["healthcheck"])["test"];
        Assert.Contains("/healthz", Text(check.Children[^1]));
        Assert.Equal("service_healthy", Text(((YamlMappingNode)((YamlMappingNode)Service("analytics")["depends_on"])["clickhouse"])["condition"]));
    }

    [Fact]
    public void The_service_runs_as_a_non_root_user_with_its_secrets_from_the_environment()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        var lastUser = dockerfile.Last(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", lastUser);
        Assert.True(Array.IndexOf(dockerfile, lastUser) > Array.FindLastIndex(dockerfile, l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        var environment = (YamlMappingNode)Service("analytics")["environment"];
        Assert.StartsWith("${ANALYTICS_ADMIN_TOKEN:?", Text(environment["ANALYTICS_ADMIN_TOKEN"]));
        Assert.Contains("${CLICKHOUSE_PASSWORD:?", Text(environment["ANALYTICS_CLICKHOUSE"]));
        Assert.StartsWith("${CLICKHOUSE_PASSWORD:?", Text(((YamlMappingNode)Service("clickhouse")["environment"])["CLICKHOUSE_PASSWORD"]));
    }

    [Fact]
    public void Named_volumes_are_declared_mounted_files_exist_and_grafana_stays_a_profile()
    {
        var declared = ((YamlMappingNode)Compose()["volumes"]).Children.Keys.Select(Text).ToHashSet();
        foreach (var (name, node) in ((YamlMappingNode)Compose()["services"]).Children)
        {
            if (!((YamlMappingNode)node).Children.TryGetValue("volumes", out var volumes)) continue;
            foreach (var volume in ((YamlSequenceNode)volumes).Children.Select(Text))
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith("./", StringComparison.Ordinal))
                    Assert.True(Path.Exists(Path.Combine(Root, source[2..])), $"{Text(name)} mounts {source}, which is missing");
                else
                    Assert.True(declared.Contains(source), $"{Text(name)} mounts the undeclared volume {source}");
            }
        }
        foreach (var optional in new[] { "grafana", "prometheus" })
            Assert.Equal("grafana", Text(((YamlSequenceNode)Service(optional)["profiles"]).Children.Single()));
        Assert.Equal("/backups", Text(((YamlMappingNode)Service("analytics")["environment"])["ANALYTICS_BACKUP_CLICKHOUSE_DIR"]));
    }

    [GeneratedRegex(@"^clickhouse/clickhouse-server:\d+\.\d+\.\d+\.\d+$")]
    private static partial Regex PinnedClickHouse();
}
