using System.Text.Json.Serialization;
using Analytics.Crm.Rfm;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Crm;

/// <summary>The score table alone: every cell a named segment, the SQL's flat array the same table.</summary>
public sealed class RfmSegmentTableTests
{
    [Fact]
    public void Every_score_combination_has_a_segment_and_every_segment_a_combination()
    {
        var seen = new HashSet<string>();
        for (var r = 1; r <= 5; r++)
            for (var f = 1; f <= 5; f++)
                for (var m = 1; m <= 5; m++)
                {
                    var segment = RfmSegmentTable.Of(r, f, m);
                    Assert.True(RfmSegmentTable.IsSegment(segment));
                    Assert.Equal(segment, RfmSegmentTable.Flat[(r - 1) * 5 + (f + m + 1) / 2 - 1]);
                    seen.Add(segment);
                }
        Assert.Equal(RfmSegmentTable.Names.Order(), seen.Order());
        Assert.Equal(11, RfmSegmentTable.Names.Count);
    }

    [Theory]
    [InlineData(5, 5, 5, "champions")]
    [InlineData(5, 4, 3, "champions")] // FM = ⌈(4 + 3) / 2⌉ = 4
    [InlineData(5, 3, 2, "potential_loyalists")] // FM = ⌈(3 + 2) / 2⌉ = 3
    [InlineData(5, 1, 1, "new")]
    [InlineData(4, 1, 1, "promising")]
    [InlineData(4, 5, 5, "loyal")]
    [InlineData(3, 3, 3, "need_attention")]
    [InlineData(3, 1, 2, "about_to_sleep")]
    [InlineData(2, 3, 4, "at_risk")]
    [InlineData(1, 5, 5, "cannot_lose")]
    [InlineData(2, 1, 1, "hibernating")]
    [InlineData(1, 2, 1, "lost")]
    public void Documented_cells(int r, int f, int m, string expected)
    {
        Assert.Equal(expected, RfmSegmentTable.Of(r, f, m));
    }

    [Fact]
    public void Scores_outside_1_to_5_are_refused() => Assert.Throws<ArgumentOutOfRangeException>(() => RfmSegmentTable.Of(0, 3, 3));
}

/// <summary>
/// <see cref="RfmSql.Segments"/> on both engines against the definition computed here: customers with a non-returned order
/// in the period, tracker purchases and CRM orders one per order id (the CRM's figures win), scores
/// 1 + ⌊5 · (customers with a strictly smaller value) / N⌋ for last order time, order count and revenue.
/// </summary>
public abstract class RfmSqlTests(EngineFixture engine)
{
    public static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-01-01T00:00:00Z"), To = DateTimeOffset.Parse("2026-07-01T00:00:00Z");

    public sealed record RfmRow(string CustomerId, long Orders, double Revenue, int R, int F, int M, string Segment);

    /// <summary>Orders as the test plans them; <see cref="Expected"/> reads them by the definition.</summary>
    public sealed record PlannedOrder(string OrderId, string Customer, DateTimeOffset Ts, double Revenue, bool Returned, string Kind);

    public static int Score<T>(T value, IReadOnlyCollection<T> all) where T : IComparable<T> =>
        1 + 5 * all.Count(v => v.CompareTo(value) < 0) / all.Count;

    /// <summary>The scores and segment of every customer with a non-returned order in [from, to).</summary>
    public static Dictionary<string, (long Orders, double Revenue, int R, int F, int M, string Segment)> Expected(
        IEnumerable<PlannedOrder> orders, DateTimeOffset from, DateTimeOffset to)
    {
        var customers = orders.Where(o => !o.Returned && o.Ts >= from && o.Ts < to).GroupBy(o => o.Customer)
            .ToDictionary(g => g.Key, g => (Last: g.Max(o => o.Ts.ToUnixTimeSeconds()), Orders: (long)g.Count(), Revenue: g.Sum(o => o.Revenue)));
        var lasts = customers.Values.Select(c => c.Last).ToList();
        var counts = customers.Values.Select(c => c.Orders).ToList();
        var revenues = customers.Values.Select(c => c.Revenue).ToList();
        return customers.ToDictionary(c => c.Key, c =>
        {
            int r = Score(c.Value.Last, lasts), f = Score(c.Value.Orders, counts), m = Score(c.Value.Revenue, revenues);
            return (c.Value.Orders, c.Value.Revenue, r, f, m, RfmSegmentTable.Of(r, f, m));
        });
    }

    /// <summary>Customers C0..C{n-1} with 1–6 orders spread over two periods (ties in counts, revenue and times on purpose),
    /// each order from the CRM, the tracker or both; plus a returned order and an anonymous purchase of a linked device.</summary>
    public static List<PlannedOrder> Plan(int customers, int seed, DateTimeOffset from, DateTimeOffset to)
    {
        var random = new Random(seed);
        var span = (int)(to - from).TotalMinutes;
        var orders = new List<PlannedOrder>();
        var n = 0;
        for (var c = 0; c < customers; c++)
        {
            var count = random.Next(6) switch { 0 or 1 or 2 => 1, 3 => 2, 4 => 3, _ => random.Next(4, 7) };
            for (var k = 0; k < count; k++)
            {
                var ts = c % 7 == 0 ? from.AddDays(30) : from.AddMinutes(random.Next(span)); // every 7th shares a time
                var revenue = c % 5 == 0 ? 50 : random.Next(1, 40) * 10; // every 5th orders for 50: revenue ties
                orders.Add(new PlannedOrder($"O{seed}-{n++}", $"C{c}", ts, revenue, false, (random.Next(3)) switch { 0 => "crm", 1 => "tracker", _ => "both" }));
            }
        }
        orders.Add(new PlannedOrder($"R{seed}", "C1", from.AddDays(1), 9999, true, "crm"));
        orders.Add(new PlannedOrder($"RET{seed}", "Creturned", from.AddDays(2), 100, true, "crm"));
        orders.Add(new PlannedOrder($"L{seed}", "Clinked", from.AddDays(3), 70, false, "linked"));
        return orders;
    }

    public static async Task InsertAsync(IClickHouse clickHouse, string site, IEnumerable<PlannedOrder> orders)
    {
        var links = new List<Analytics.Identity.IdentityLinkRow>();
        foreach (var o in orders)
        {
            if (o.Kind is "crm" or "both")
                await clickHouse.ExecuteAsync(Sql.Query($"""
                    INSERT INTO orders (site_id, order_id, customer_id, ts, revenue, currency, status, version)
                    VALUES ({site}, {o.OrderId}, {o.Customer}, {o.Ts}, {o.Revenue}, 'EUR', {(o.Returned ? "returned" : "paid")}, 1)
                    """));
            if (o.Kind is "tracker" or "both" or "linked")
            {
                // Both: the tracker saw it 20 s earlier with another figure and no customer; the CRM's time and revenue win.
                var (ts, revenue, customer) = o.Kind == "both" ? (o.Ts.AddSeconds(-20), o.Revenue + 999, "") : (o.Ts, o.Revenue, o.Kind == "linked" ? "" : o.Customer);
                await clickHouse.ExecuteAsync(Sql.Query($"""
                    INSERT INTO events (event_id, site_id, received_at, ts, ts_ms, type, vid, customer_id, order_id, revenue, currency)
                    VALUES ({Guid.NewGuid()}, {site}, {ts}, {ts}, {(ulong)ts.ToUnixTimeMilliseconds()}, 'purchase', {"v-" + o.Customer}, {customer}, {o.OrderId}, {revenue}, 'EUR')
                    """));
                if (o.Kind == "linked") links.Add(Link(site, "v-" + o.Customer, o.Customer, o.Ts.AddDays(10).ToUnixTimeMilliseconds()));
            }
        }
        await Analytics.Tests.Sessions.SessionData.InsertAsync(clickHouse, links);
    }

    [Fact]
    public async Task Scores_are_quintiles_with_ties_sharing_and_segments_come_from_the_table()
    {
        var site = "rfm" + Guid.NewGuid().ToString("N")[..10];
        var orders = Plan(60, 5, From, To);
        await InsertAsync(engine.ClickHouse, site, orders);
        var expected = Expected(orders, From, To);
        // The data is what the test is about: ties in every measure, several scores and segments.
        Assert.Contains(expected.Values, e => e.F == 1);
        Assert.True(expected.Values.Select(e => e.Segment).Distinct().Count() >= 5);
        Assert.True(expected.Values.Select(e => e.M).Distinct().Count() == 5);

        foreach (var source in await Analytics.Tests.Customers.AbcSqlTests.OrderSourcesAsync(engine.ClickHouse, site))
        {
            var rows = await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({RfmSql.Segments(source, From, To)}) ORDER BY customer_id"), RfmTestJson.Default.RfmRow);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Select(r => r.CustomerId));
            Assert.All(rows, row =>
            {
                var e = expected[row.CustomerId];
                Assert.Equal((e.Orders, e.Revenue, e.R, e.F, e.M, e.Segment), (row.Orders, row.Revenue, row.R, row.F, row.M, row.Segment));
            });
            Assert.DoesNotContain(rows, r => r.CustomerId == "Creturned");
        }
    }

    [Fact]
    public async Task The_cached_rankings_score_every_customer_as_the_definition_does()
    {
        var site = "rfmc" + Guid.NewGuid().ToString("N")[..10];
        var orders = Plan(80, 11, From, To);
        await InsertAsync(engine.ClickHouse, site, orders);
        var expected = Expected(orders, From, To);
        var rankings = new Analytics.Customers.CustomerRankings(engine.ClickHouse,
            Microsoft.Extensions.Options.Options.Create(new Analytics.Customers.CustomerOptions { AbcCacheSeconds = 0 }),
            new Analytics.Customers.CustomerOrderSnapshots(engine.ClickHouse, Microsoft.Extensions.Logging.Abstractions.NullLogger<Analytics.Customers.CustomerOrderSnapshots>.Instance));

        var ranking = await rankings.GetAsync(site, From, To, defaultPeriod: false, CancellationToken.None);

        Assert.Equal(expected.Count, ranking.Rfm.Scored);
        Assert.All(expected, e => Assert.Equal((e.Value.R, e.Value.F, e.Value.M, e.Value.Segment), ranking.Rfm.Of(e.Key)));
        Assert.Null(ranking.Rfm.Of("Creturned")); // a returned order alone is not scored
        Assert.Null(ranking.Rfm.Of("nobody"));
        // The A/B/C side of the same read: the returned order's customer has no revenue and is not ranked.
        Assert.Equal(0, ranking.Abc.Standing("Creturned").Revenue);
    }

    [Fact]
    public async Task A_site_without_orders_scores_nobody()
    {
        var rows = await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({RfmSql.Segments(new Analytics.Customers.CustomerOrders("empty-rfm"), From, To)})"), RfmTestJson.Default.RfmRow);
        Assert.Empty(rows);
    }
}

[JsonSerializable(typeof(RfmSqlTests.RfmRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class RfmTestJson : JsonSerializerContext;

public sealed class RfmSqlTestsEmbedded(EmbeddedEngine engine) : RfmSqlTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class RfmSqlTestsServer(ServerEngine engine) : RfmSqlTests(engine), IClassFixture<ServerEngine>;
