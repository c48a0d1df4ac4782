using System.Text;
using System.Text.Json;
using Analytics.Sessions;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Analytics.Tests.Import.ImportClient;

namespace Analytics.Tests.Sessions;

/// <summary>The service's own path: an import goes through the events spool, whose writer marks the days; the background job refreshes them.</summary>
public abstract class StoredSessionsApiTests(ApiFactory api)
{
    [Fact]
    public async Task Imported_history_marks_its_days_and_the_background_refresh_stores_them_with_metrics()
    {
        var key = await CreateSiteAsync(api, "shop.example");
        var siteId = await api.SiteIdAsync(key);
        var day = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-3));
        var noon = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var body = new StringBuilder();
        for (var i = 0; i < 6; i++)
            body.AppendLine(JsonSerializer.Serialize(new { type = "pageview", ts = noon + i * 60_000L * (i < 3 ? 5 : 50), url = $"https://shop.example/p{i}", vid = "v-1", ip = "81.2.69.142",
                user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" }));
        await PostAsync(api, $"/api/import/events?site={key}", Text(body.ToString(), "application/x-ndjson"));
        Assert.Equal(6, await api.WaitForRowsAsync(Sql.Query($"site_id = {siteId}"), 6));

        // The writer marked the day before it inserted the rows.
        var marked = await api.ClickHouse.QueryListAsync(Sql.Query($"SELECT toString(day) AS n FROM session_dirty_days WHERE site_id = {siteId} GROUP BY day"),
            StorageJson.Default.JsonElement);
        Assert.Contains(marked, m => m.GetProperty("n").GetString() == day.ToString("yyyy-MM-dd"));

        var source = Assert.IsType<StoredSessions>(api.Services.GetRequiredService<ISessionSource>());
        var query = new SessionQuery(siteId, noon - 12 * 3_600_000, noon + 12 * 3_600_000);
        await Eventually.UntilAsync(async () => (await source.StoredDaysAsync(query, CancellationToken.None)).Contains(day),
            TimeSpan.FromSeconds(60), "the imported day refreshed by the background job");
        var sessions = await source.SessionsAsync(query, CancellationToken.None);
        var stored = await api.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({sessions}) ORDER BY visitor_id, start_ms"), SessionJson.Default.SessionRow);
        var computed = await SessionData.SessionsAsync(api.ClickHouse, query);
        Assert.Equal(computed, stored);
        Assert.Equal([3L, 1L, 1L, 1L], stored.Select(s => s.Events)); // 5-minute steps, then 50-minute gaps

        var metrics = await api.Admin().GetStringAsync("/metrics");
        Assert.Contains("analytics_session_refresh_seconds_count", metrics);
        Assert.Matches(@"analytics_sessions_written_total [1-9]", metrics);
        Assert.Contains("analytics_session_dirty_days_pending", metrics);
    }
}

/// <summary>The service with no refresh delay and a fast loop, so the test waits seconds, not minutes.</summary>
public sealed class EmbeddedFastRefreshApi() : ApiFactory(Engine.Embedded)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Sessions:RefreshDelay", "00:00:00"), new("Sessions:RefreshInterval", "00:00:00.200")];
}

public sealed class ServerFastRefreshApi() : ApiFactory(Engine.Server)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Sessions:RefreshDelay", "00:00:00"), new("Sessions:RefreshInterval", "00:00:00.200")];
}

public sealed class StoredSessionsApiTestsEmbedded(EmbeddedFastRefreshApi api) : StoredSessionsApiTests(api), IClassFixture<EmbeddedFastRefreshApi>;
public sealed class StoredSessionsApiTestsServer(ServerFastRefreshApi api) : StoredSessionsApiTests(api), IClassFixture<ServerFastRefreshApi>;
