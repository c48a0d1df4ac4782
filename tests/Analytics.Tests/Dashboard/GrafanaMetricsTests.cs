using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Dashboard;

/// <summary>The Prometheus panels of dashboards/grafana ask for metrics the service's /metrics has.</summary>
public sealed partial class GrafanaMetricsTests(EmbeddedApi api) : IClassFixture<EmbeddedApi>
{
    [Fact]
    public async Task Every_metric_a_Prometheus_panel_reads_is_on_the_metrics_endpoint()
    {
        var metrics = await api.Admin().GetStringAsync("/metrics");
        var names = PrometheusExpressions().SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().ToList();
        Assert.NotEmpty(names);
        // A histogram's series are its name plus _bucket, _sum, _count; /metrics names the histogram once in "# TYPE".
        var missing = names.Where(n => !metrics.Contains($"# TYPE {Regex.Replace(n, "_(bucket|sum|count)$", "")} ")).ToList();
        Assert.True(missing.Count == 0, "not on /metrics: " + string.Join(", ", missing));
    }

    static IEnumerable<string> PrometheusExpressions()
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "dashboards", "grafana", "dashboards");
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
                if (panel.TryGetProperty("targets", out var targets))
                    foreach (var target in targets.EnumerateArray())
                        if (target.TryGetProperty("expr", out var expr)) yield return expr.GetString()!;
        }
    }

    [GeneratedRegex(@"analytics_[a-z_]+")]
    private static partial Regex MetricName();
}
