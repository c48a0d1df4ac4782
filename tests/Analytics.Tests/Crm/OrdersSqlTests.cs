using System.Globalization;
using System.Text.Json;
using Analytics.Crm;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Crm.CrmClient;

namespace Analytics.Tests.Crm;

/// <summary>
/// <see cref="OrdersSql"/>: a tracker purchase and a CRM order with one order_id are one order, the CRM's figures
/// win, a returned order has no revenue. Generated orders; the expected answer is computed here from those rules.
/// </summary>
public abstract class OrdersSqlTests(ApiFactory api)
{
    enum Kind { TrackerOnly, CrmOnly, Both, Returned, ReturnedSeenByTracker }

    sealed record Expected(string OrderId, string CustomerId, string Vid, long Ts, double Revenue, string Currency, int Returned, string Source);

    [Fact]
    public async Task Orders_from_the_tracker_and_the_crm_are_deduplicated_with_the_crm_winning_and_returns_without_revenue()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var random = new Random(16);
        var from = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var to = from.AddDays(10);
        var crmRows = new List<object>();
        var events = new List<(string OrderId, string Vid, string CustomerId, long Ts, double Revenue, string Currency)>();
        var expected = new List<Expected>();
        for (var i = 0; i < 120; i++)
        {
            var kind = (Kind)(i % 5);
            var id = $"O{i}";
            var ts = from.AddDays(-2).AddMinutes(random.Next(0, 14 * 24 * 60)).ToUnixTimeSeconds(); // some before and after the period
            var inPeriod = ts >= from.ToUnixTimeSeconds() && ts < to.ToUnixTimeSeconds();
            var (vid, customer) = ($"v{i}", $"C{i % 17}");
            var trackerRevenue = Math.Round(random.NextDouble() * 100, 2);
            var crmRevenue = trackerRevenue + 1 + random.Next(0, 50);
            var seenByTracker = kind is Kind.TrackerOnly or Kind.Both or Kind.ReturnedSeenByTracker;
            if (seenByTracker)
            {
                events.Add((id, vid, kind == Kind.TrackerOnly ? customer : "", ts, trackerRevenue, "EUR"));
                if (i % 3 == 0) events.Add((id, vid + "-later", "", ts + 60, trackerRevenue, "EUR")); // a reloaded thank-you page
            }
            if (kind != Kind.TrackerOnly)
            {
                // The CRM's time differs a little from the tracker's: its own clock wins.
                var crmTs = ts + 30;
                crmRows.Add(new { order_id = id, customer_id = customer, ts = crmTs * 1000, revenue = crmRevenue, currency = "USD",
                                  status = kind is Kind.Returned or Kind.ReturnedSeenByTracker ? "returned" : "paid" });
                var returned = kind is Kind.Returned or Kind.ReturnedSeenByTracker;
                if (crmTs >= from.ToUnixTimeSeconds() && crmTs < to.ToUnixTimeSeconds())
                    expected.Add(new(id, customer, seenByTracker ? vid : "", crmTs, returned ? 0 : crmRevenue, "USD", returned ? 1 : 0, "crm"));
            }
            else if (inPeriod) expected.Add(new(id, customer, vid, ts, trackerRevenue, "EUR", 0, "tracker"));
        }
        await ImportAsync(api, "orders", key, JsonSerializer.Serialize(crmRows), "application/json");
        foreach (var e in events)
            await api.ClickHouse.ExecuteAsync(Sql.Query($"""
                INSERT INTO events (event_id, site_id, received_at, ts, ts_ms, type, vid, customer_id, order_id, revenue, currency)
                VALUES ({Guid.NewGuid()}, {siteId}, {DateTimeOffset.UtcNow}, {DateTimeOffset.FromUnixTimeSeconds(e.Ts)}, {(ulong)e.Ts * 1000},
                        'purchase', {e.Vid}, {e.CustomerId}, {e.OrderId}, {e.Revenue}, {e.Currency})
                """));
        // Another site's order with a shared id is not this site's.
        await api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO events (event_id, site_id, ts, type, order_id, revenue) VALUES ({Guid.NewGuid()}, 'other-site', {from.AddDays(1)}, 'purchase', 'O0', 99)
            """));

        var rows = await QueryAsync(api, Sql.Query($"""
            SELECT order_id, customer_id, vid, toUnixTimestamp(ts) AS ts_s, revenue, currency, returned, source
            FROM ({OrdersSql.For(siteId, from, to)}) ORDER BY order_id
            """));

        var actual = rows.Select(r => new Expected(Str(r, "order_id"), Str(r, "customer_id"), Str(r, "vid"), Long(r, "ts_s"),
            Double(r, "revenue"), Str(r, "currency"), (int)Long(r, "returned"), Str(r, "source"))).ToList();
        Assert.Equal(expected.OrderBy(e => e.OrderId, StringComparer.Ordinal), actual);
        Assert.Contains(expected, e => e.Source == "tracker");
        Assert.Contains(expected, e => e.Returned == 1 && e.Vid != "");
        Assert.Contains(expected, e => e.Source == "crm" && e.Vid != "" && e.Returned == 0);

        var all = await QueryAsync(api, Sql.Query($"SELECT count() AS n, uniqExact(order_id) AS orders FROM ({OrdersSql.All(siteId)})"));
        Assert.Equal(120, Long(all[0], "n"));
        Assert.Equal(120, Long(all[0], "orders"));
    }
}

public sealed class OrdersSqlTestsEmbedded(EmbeddedApi api) : OrdersSqlTests(api), IClassFixture<EmbeddedApi>;
public sealed class OrdersSqlTestsServer(ServerApi api) : OrdersSqlTests(api), IClassFixture<ServerApi>;
