using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Dashboard;

/// <summary>
/// Every ClickHouse query of dashboards/grafana (panels and template variables), with the plugin's macros expanded,
/// runs on both engines over a schema the product migrated (a few rows in it) and answers the columns listed here.
/// A new panel fails until its columns are listed; a macro <see cref="GrafanaMacros"/> cannot expand fails too.
/// </summary>
public abstract class GrafanaPanelsTests(EngineFixture engine)
{
    const string SiteKey = "grafana-shop";

    /// <summary>The columns each query answers, in order, by "dashboard file / panel title" ("… / $variable" for a variable).</summary>
    static readonly Dictionary<string, string[]> Columns = new()
    {
        ["traffic.json / Visitors"] = ["visitors"],
        ["traffic.json / Sessions"] = ["sessions"],
        ["traffic.json / Pageviews"] = ["pageviews"],
        ["traffic.json / Bounce rate"] = ["bounce_rate"],
        ["traffic.json / Visitors, sessions and pageviews"] = ["time", "visitors", "sessions", "pageviews"],
        ["traffic.json / Top pages"] = ["page", "visitors", "pageviews"],
        ["traffic.json / Countries"] = ["country", "visitors", "pageviews"],
        ["traffic.json / Devices"] = ["device", "visitors"],
        ["traffic.json / $site"] = ["key"],
        ["channels.json / Sessions by channel"] = ["channel", "sessions"],
        ["channels.json / Revenue by channel"] = ["channel", "purchases", "revenue"],
        ["channels.json / Sessions by channel over time"] = ["time", "channel", "sessions"],
        ["channels.json / Campaigns"] = ["utm_source", "utm_medium", "utm_campaign", "landings", "visitors"],
        ["channels.json / Acquisition costs"] = ["channel", "campaign", "cost"],
        ["channels.json / $site"] = ["key"],
        ["funnel.json / Funnel"] = ["step", "name", "persons", "conversion_from_first"],
        ["funnel.json / Funnel by device"] = ["device", "visited", "added_to_cart", "reached_checkout", "purchased", "conversion"],
        ["funnel.json / $site"] = ["key"],
        ["ingestion-health.json / Events stored per minute, by origin"] = ["time", "origin", "events"],
        ["ingestion-health.json / Since the last stored event"] = ["seconds_since_last_event"],
    };

    public sealed record Query(string Name, string Sql);

    /// <summary>The ClickHouse queries of every dashboard file: panel targets (rows' panels included) and query variables.</summary>
    public static List<Query> Queries()
    {
        var queries = new List<Query>();
        var folder = Path.Combine(TestPaths.RepositoryRoot, "dashboards", "grafana", "dashboards");
        foreach (var file in Directory.GetFiles(folder, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var name = Path.GetFileName(file);
            foreach (var panel in Panels(json.RootElement))
            {
                if (!panel.TryGetProperty("targets", out var targets)) continue;
                foreach (var target in targets.EnumerateArray())
                    if (IsClickHouse(target, panel) && target.TryGetProperty("rawSql", out var sql))
                        queries.Add(new Query($"{name} / {panel.GetProperty("title").GetString()}", sql.GetString()!));
            }
            if (json.RootElement.TryGetProperty("templating", out var templating))
                foreach (var variable in templating.GetProperty("list").EnumerateArray())
                    if (variable.GetProperty("type").GetString() == "query" && IsClickHouse(variable, variable))
                        queries.Add(new Query($"{name} / ${variable.GetProperty("name").GetString()}", QueryText(variable.GetProperty("query"))));
        }
        return queries;
    }

    static IEnumerable<JsonElement> Panels(JsonElement container)
    {
        if (!container.TryGetProperty("panels", out var panels)) yield break;
        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            foreach (var inner in Panels(panel)) yield return inner; // a collapsed row holds its panels
        }
    }

    static bool IsClickHouse(JsonElement element, JsonElement panel)
    {
        var source = element.TryGetProperty("datasource", out var own) ? own : panel.TryGetProperty("datasource", out var inherited) ? inherited : default;
        return source.ValueKind == JsonValueKind.Object && source.GetProperty("type").GetString() == "grafana-clickhouse-datasource";
    }

    static string QueryText(JsonElement query) => query.ValueKind == JsonValueKind.String ? query.GetString()! : query.GetProperty("rawSql").GetString()!;

    async Task InsertRowsAsync(IClickHouse clickHouse)
    {
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO sites (site_id, key, name, domains, time_zone, retention_days, created_at, updated_at, deleted, query_params, identify_secret)
            VALUES ('grafana-site', {SiteKey}, 'Grafana shop', ['shop.example'], 'UTC', 395, now(), now(), 0, [], '')
            """));
        // Two visitors: one buys in an organic search session; the other comes twice, once from a paid campaign.
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO events (event_id, site_id, received_at, ts, ts_ms, type, path, vid, channel, source, utm_source, utm_medium, utm_campaign,
                country, device, revenue, order_id, origin)
            SELECT generateUUIDv4(), 'grafana-site', now() - tupleElement(e, 1), now() - tupleElement(e, 1), toUInt64(now() - tupleElement(e, 1)) * 1000,
                tupleElement(e, 2), tupleElement(e, 3), tupleElement(e, 4), tupleElement(e, 5), tupleElement(e, 6), tupleElement(e, 7), tupleElement(e, 8),
                tupleElement(e, 9), tupleElement(e, 10), tupleElement(e, 11), tupleElement(e, 12), tupleElement(e, 13), tupleElement(e, 14)
            FROM (SELECT arrayJoin([
                (600, 'pageview', '/', 'v1', 'organic_search', 'Google', '', '', '', 'DE', 'desktop', 0., '', 'collect'),
                (590, 'add_to_cart', '/p/1', 'v1', 'internal', '', '', '', '', 'DE', 'desktop', 0., '', 'collect'),
                (580, 'pageview', '/checkout', 'v1', 'internal', '', '', '', '', 'DE', 'desktop', 0., '', 'collect'),
                (570, 'purchase', '/thank-you', 'v1', 'internal', '', '', '', '', 'DE', 'desktop', 49.5, 'o1', 'collect'),
                (300, 'pageview', '/p/1', 'v2', 'paid_search', 'Google', 'google', 'cpc', 'brand', 'FR', 'mobile', 0., '', 'import'),
                (9000, 'pageview', '/', 'v2', 'direct', '', '', '', '', 'FR', 'mobile', 0., '', 'import')]) AS e)
            """));
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO acquisition_costs (site_id, day, channel, campaign, cost, imported_at, version)
            VALUES ('grafana-site', today(), 'paid_search', 'brand', 12.5, now(), 1)
            """));
    }

    [Fact]
    public async Task Every_panel_query_runs_with_its_macros_expanded_and_answers_its_columns()
    {
        await InsertRowsAsync(engine.ClickHouse);
        var now = DateTimeOffset.UtcNow;
        var range = new GrafanaMacros.Range(now.AddDays(-1), now.AddMinutes(1), 300);
        var variables = new Dictionary<string, string> { ["site"] = SiteKey };
        var queries = Queries();
        Assert.True(queries.Count >= 15, $"only {queries.Count} queries found in dashboards/grafana/dashboards");

        var failures = new List<string>();
        foreach (var query in queries)
        {
            if (!Columns.TryGetValue(query.Name, out var expected))
            {
                failures.Add($"{query.Name}: not listed in {nameof(Columns)}; add the columns it answers");
                continue;
            }
            try
            {
                var text = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Trusted(GrafanaMacros.Expand(query.Sql, range, variables)));
                var first = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                if (first is null)
                {
                    failures.Add($"{query.Name}: no rows over the test's events");
                    continue;
                }
                var columns = JsonDocument.Parse(first).RootElement.EnumerateObject().Select(p => p.Name).ToArray();
                if (!columns.SequenceEqual(expected)) failures.Add($"{query.Name}: columns [{string.Join(", ", columns)}], expected [{string.Join(", ", expected)}]");
            }
            catch (Exception e) when (e is ClickHouseException or UnknownMacroException)
            {
                failures.Add($"{query.Name}: {e.Message}");
            }
        }
        foreach (var listed in Columns.Keys.Except(queries.Select(q => q.Name))) failures.Add($"{listed}: listed, but no such query in the dashboards");
        Assert.True(failures.Count == 0, $"{engine.Engine}:\n" + string.Join("\n", failures));
    }
}

public sealed class GrafanaPanelsTestsEmbedded(EmbeddedEngine engine) : GrafanaPanelsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class GrafanaPanelsTestsServer(ServerEngine engine) : GrafanaPanelsTests(engine), IClassFixture<ServerEngine>;

/// <summary>The expansion itself, as the plugin documents it; and a refusal of what it does not know.</summary>
public sealed class GrafanaMacrosTests
{
    static readonly GrafanaMacros.Range Range = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), DateTimeOffset.FromUnixTimeSeconds(1_700_086_400), 60);
    static readonly Dictionary<string, string> Site = new() { ["site"] = "demo" };

    [Fact]
    public void The_used_macros_and_variables_expand_as_the_plugin_documents()
    {
        Assert.Equal("WHERE ts >= toDateTime(1700000000) AND ts <= toDateTime(1700086400) AND key = 'demo' AND day >= toDate(toDateTime(1700000000)) " +
                     "AND day <= toDate(toDateTime(1700086400)) GROUP BY intDiv(x, 60) -- demo",
            GrafanaMacros.Expand("WHERE $__timeFilter(ts) AND key = '${site}' AND day >= toDate($__fromTime) AND day <= toDate($__toTime) GROUP BY intDiv(x, $__interval_s) -- $site",
                Range, Site));
    }

    [Theory]
    [InlineData("SELECT $__timeInterval(ts) AS time FROM events")] // toStartOfInterval: not on 18.16
    [InlineData("SELECT 1 WHERE $__timeFilter_ms(ts)")]
    [InlineData("SELECT 1 WHERE ts >= $__fromTime_ms")]
    [InlineData("SELECT 1 WHERE $__conditionalAll(site_id = 'x', $site)")]
    [InlineData("SELECT '${country}'")]
    public void A_macro_or_variable_it_does_not_know_fails(string sql) =>
        Assert.Throws<UnknownMacroException>(() => GrafanaMacros.Expand(sql, Range, Site));

    [Fact]
    public void The_dashboards_hold_ClickHouse_queries() => Assert.NotEmpty(GrafanaPanelsTests.Queries());
}
