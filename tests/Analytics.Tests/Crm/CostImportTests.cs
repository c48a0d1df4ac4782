using System.Net;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sites;
using static Analytics.Tests.Crm.CrmClient;

namespace Analytics.Tests.Crm;

/// <summary>POST /api/costs: rows upserted by (day, channel, campaign), bad rows rejected with field and reason, on both engines.</summary>
public abstract class CostImportTests(ApiFactory api)
{
    [Fact]
    public async Task Bad_rows_are_rejected_with_field_and_reason_and_the_good_ones_stored_and_replaced_by_a_second_post()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var body = Json(
            new { day = "2026-03-01", channel = "paid_search", campaign = "spring", cost = 120.5 },
            new { day = "2026-03-01", channel = "tv", campaign = "", cost = 10 },                        // 2: channel
            new { day = "01.03.2026", channel = "email", campaign = "", cost = 10 },                     // 3: day
            new { day = "2026-03-02", channel = "email", campaign = "", cost = -1 },                     // 4: cost
            new { day = "2026-03-02", channel = "Paid_Social", campaign = "", cost = 30 },               // channel case is forgiven
            new { day = "2026-03-02", channel = "email", campaign = new string('x', 300), cost = "ten" }); // 6: campaign, cost
        var first = await Import.ImportClient.PostAsync(api, $"/api/costs?site={key}", Import.ImportClient.Text(body, "application/json"));

        Assert.Equal((6L, 2L), (Long(first, "rows_read"), Long(first, "upserted")));
        var rejected = Rejected(first);
        Assert.Equal([2L, 3L, 4L, 6L], rejected.Keys.Order());
        Assert.Equal(["channel"], rejected[2].Select(e => e.Field));
        Assert.Contains("paid_search", rejected[2][0].Message);
        Assert.Equal(["day"], rejected[3].Select(e => e.Field));
        Assert.Equal(["cost"], rejected[4].Select(e => e.Field));
        Assert.Equal(["campaign", "cost"], rejected[6].Select(e => e.Field).Order());

        // CSV with a header: the same key again replaces the amount; a row without a campaign is the channel's own.
        var csv = "day,channel,campaign,cost\n2026-03-01,paid_search,spring,99\n2026-03-01,paid_search,,12.25\n2026-03-03,email,,\n";
        var second = await Import.ImportClient.PostAsync(api, $"/api/costs?site={key}", Import.ImportClient.Text(csv, "text/csv"));
        Assert.Equal((3L, 2L), (Long(second, "rows_read"), Long(second, "upserted")));
        Assert.Equal(["cost"], Rejected(second)[3].Select(e => e.Field));

        var rows = await QueryAsync(api, Sql.Query($"""
            SELECT toString(day) AS day, channel, campaign, cost FROM acquisition_costs FINAL WHERE site_id = {siteId} ORDER BY day, channel, campaign
            """));
        Assert.Equal([("2026-03-01", "paid_search", "", 12.25), ("2026-03-01", "paid_search", "spring", 99.0), ("2026-03-02", "paid_social", "", 30.0)],
            rows.Select(r => (Str(r, "day"), Str(r, "channel"), Str(r, "campaign"), Double(r, "cost"))));
    }

    [Fact]
    public async Task A_csv_without_a_day_column_is_refused_and_a_stranger_does_not_see_the_site()
    {
        var (key, _) = await NewSiteAsync(api);
        var response = await api.Admin().PostAsync($"/api/costs?site={key}", Import.ImportClient.Text("channel,campaign,cost\nemail,,3\n", "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"day\"", await response.Content.ReadAsStringAsync());
        var service = await TokenForAsync(api, "service");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(service).PostAsync($"/api/costs?site={key}", Import.ImportClient.Text("[]", "application/json"))).StatusCode);
    }
}

public sealed class CostImportTestsEmbedded(EmbeddedApi api) : CostImportTests(api), IClassFixture<EmbeddedApi>;
public sealed class CostImportTestsServer(ServerApi api) : CostImportTests(api), IClassFixture<ServerApi>;
