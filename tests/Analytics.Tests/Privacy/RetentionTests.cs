using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Privacy;

/// <summary>
/// The retention job on both engines, with a short interval: each site loses what is older than its own retention
/// (whole partitions past every site's retention dropped, the rest deleted), keeps the rest, and the run is audited
/// and shown on the site.
/// </summary>
public abstract class RetentionTests(Engine engine) : IAsyncLifetime
{
    /// <summary>A second instance on the same database that runs retention every 2 s (the first runs it hourly: not in a test).</summary>
    sealed class ShortInterval(Engine engine, string database) : ApiFactory(engine, database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Privacy:RetentionIntervalSeconds", "2")];
    }

    readonly ApiFactory api = new(engine);
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await api.DisposeAsync();

    sealed record Row(string Site, string Vid, DateTimeOffset At);

    async Task<string> SiteAsync(int retentionDays)
    {
        var response = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Shop", domains = new[] { "shop.example" }, retention_days = retentionDays });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task Rows_older_than_each_sites_retention_are_removed_and_newer_ones_and_longer_kept_ones_stay()
    {
        var retention = new Dictionary<string, int> { [await SiteAsync(30)] = 30, [await SiteAsync(400)] = 400 };
        var ids = new Dictionary<string, string>();
        foreach (var key in retention.Keys) ids[key] = await api.SiteIdAsync(key);
        var (shortKey, longKey) = (retention.Keys.First(), retention.Keys.Last());
        var now = PrivacyRows.Seconds(DateTimeOffset.UtcNow);
        var rows = new List<Row>();
        foreach (var days in new[] { 600, 40, 35, 10, 1 }) rows.Add(new(shortKey, $"s{days}", now.AddDays(-days)));
        foreach (var days in new[] { 600, 500, 100, 40, 10 }) rows.Add(new(longKey, $"l{days}", now.AddDays(-days)));
        foreach (var row in rows) await PrivacyRows.EventAsync(api, ids[row.Site], row.Vid, row.At);
        foreach (var row in rows.Where(r => r.Site == shortKey))
        {
            await PrivacyRows.ConsentAsync(api, ids[row.Site], row.Vid, row.At, true, false);
            await PrivacyRows.LinkAsync(api, ids[row.Site], row.Vid, "c-" + row.Vid, row.At);
            await PrivacyRows.SessionAsync(api, ids[row.Site], row.Vid, row.At); // a Date column, compared by day
        }

        // A row goes once its UTC day is more than retention_days before today; a partition (a month) goes whole once it
        // is past the longest retention, with a day to spare for a server time zone.
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        bool Kept(Row r) => DateOnly.FromDateTime(r.At.UtcDateTime) >= today.AddDays(-retention[r.Site]);
        bool InDroppedPartition(Row r) =>
            new DateOnly(r.At.Year, r.At.Month, 1).AddMonths(1).AddDays(1) <= today.AddDays(-retention.Values.Max());

        // Every row is written before the instance that runs retention starts, so its first run finds them all at once.
        Assert.Null(await LastRunAsync(shortKey));
        await using var job = new ShortInterval(engine, api.Database);
        job.CreateClient();
        await Eventually.UntilAsync(async () => await LastRunAsync(shortKey) is not null && await LastRunAsync(longKey) is not null,
            TimeSpan.FromSeconds(90), "a retention run");

        foreach (var key in retention.Keys)
        {
            var left = await VidsAsync("events", ids[key]);
            Assert.Equal(rows.Where(r => r.Site == key && Kept(r)).Select(r => r.Vid).Order(), left.Order());
            // The events ordered by visitor (filled on insert, migration 0026) lose the same rows.
            Assert.Equal(left.Order(), (await VidsAsync("events_by_visitor", ids[key])).Order());
            var removed = rows.Where(r => r.Site == key && !Kept(r)).ToList();
            var audit = Assert.Single(await api.ClickHouse.QueryListAsync(Sql.Query($"""
                SELECT user_id, detail FROM privacy_audit WHERE site_id = {ids[key]} AND action = 'retention.run'
                """), StorageJson.Default.JsonElement));
            Assert.Equal("system", audit.GetProperty("user_id").GetString());
            Assert.Contains($"events: {removed.Count} rows ({removed.Count(InDroppedPartition)} in dropped partitions)", audit.GetProperty("detail").GetString());
            Assert.Contains($"events_by_visitor: {removed.Count} rows ({removed.Count(InDroppedPartition)} in dropped partitions)", audit.GetProperty("detail").GetString());
        }
        var keptShort = rows.Where(r => r.Site == shortKey && Kept(r)).Select(r => r.Vid).Order().ToList();
        Assert.Equal(keptShort, (await VidsAsync("consents", ids[shortKey])).Order());
        Assert.Equal(keptShort, (await VidsAsync("identity_links", ids[shortKey], "visitor_id")).Order());
        Assert.Equal(keptShort, (await VidsAsync("sessions", ids[shortKey], "visitor_id")).Order());
        Assert.Contains(rows, InDroppedPartition);
        Assert.Contains(rows, r => !Kept(r) && !InDroppedPartition(r));

        // The last run is kept in ClickHouse: shown by the other instance, and after the one that ran it stopped.
        var lastRun = (await job.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{shortKey}")).GetProperty("retention_last_run").GetDateTimeOffset();
        await job.DisposeAsync();
        var site = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{shortKey}");
        Assert.Equal(30, site.GetProperty("retention_days").GetInt32());
        Assert.True(site.GetProperty("retention_last_run").GetDateTimeOffset() >= lastRun); // a run may have come between
        Assert.True(lastRun >= now);
    }

    async Task<DateTimeOffset?> LastRunAsync(string key)
    {
        var site = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{key}");
        return site.GetProperty("retention_last_run") is { ValueKind: JsonValueKind.String } at ? at.GetDateTimeOffset() : null;
    }

    async Task<List<string>> VidsAsync(string table, string siteId, string column = "vid") =>
        (await api.ClickHouse.QueryListAsync(Sql.Query($"SELECT {new SqlIdentifier(column)} AS vid FROM {new SqlIdentifier(table)} WHERE site_id = {siteId}"),
            StorageJson.Default.JsonElement)).Select(r => r.GetProperty("vid").GetString()!).ToList();
}

public sealed class RetentionTestsEmbedded() : RetentionTests(Engine.Embedded);
public sealed class RetentionTestsServer() : RetentionTests(Engine.Server);

/// <summary>The retention field does not take the site record down with ClickHouse: it answered from memory before.</summary>
public sealed class RetentionOutageTests
{
    [Fact]
    public async Task The_site_record_answers_in_an_outage_without_a_last_run()
    {
        using var api = new Analytics.Tests.Faults.OfflineApi();
        var response = await api.Admin().GetAsync($"/api/sites/{Analytics.Tests.Faults.OfflineApi.SiteKey}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var site = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(30, site.GetProperty("retention_days").GetInt32());
        Assert.Equal(JsonValueKind.Null, site.GetProperty("retention_last_run").ValueKind);
    }
}
