using System.Text.Json.Serialization;
using Analytics.Customers;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Customers;

/// <summary>
/// A/B/C by <see cref="AbcSql"/> on both engines, against the rule computed here: ranked by revenue (tracker purchases
/// and CRM orders deduplicated, the CRM winning, returns without revenue), "above" = strictly more revenue.
/// </summary>
public abstract class AbcSqlTests(EngineFixture engine)
{
    static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-01-01T00:00:00Z"), To = DateTimeOffset.Parse("2026-07-01T00:00:00Z");
    static readonly CustomerOptions Options = new();

    public sealed record ClassRow(string CustomerId, double Revenue, double Above, double Total, string Class);
    public sealed record StandingRow(double Revenue, double Above, double Total);

    /// <summary>The rule, independently: each customer's class from the revenues of all ranked customers.</summary>
    static Dictionary<string, string> ExpectedClasses(Dictionary<string, double> revenue)
    {
        var ranked = revenue.Where(r => r.Value > 0).ToDictionary();
        var total = ranked.Values.Sum();
        return revenue.ToDictionary(r => r.Key, r =>
        {
            if (r.Value <= 0) return "C";
            var above = ranked.Values.Where(v => v > r.Value).Sum();
            return above < 0.8 * total ? "A" : above < 0.95 * total ? "B" : "C";
        });
    }

    [Fact]
    public async Task Classes_follow_the_ranking_with_ties_sharing_a_class_also_across_the_80_percent_line()
    {
        var site = "abc" + Guid.NewGuid().ToString("N")[..10];
        var random = new Random(17);
        // Revenue per customer in the period (total 1000 with C10 below); C3..C5 tie at 100 with 600 above them: one by one
        // the third would start at 800 (80 %) and be B, as a tie they all have 600 above and are A.
        var planned = new Dictionary<string, double>
        {
            ["C1"] = 400, ["C2"] = 200, ["C3"] = 100, ["C4"] = 100, ["C5"] = 100, ["C6"] = 50, ["C7"] = 20, ["C8"] = 10, ["C9"] = 10,
        };
        var crm = new List<(string Order, string Customer, DateTimeOffset Ts, double Revenue, string Status)>();
        var purchases = new List<(string Order, string Vid, string Customer, DateTimeOffset Ts, double Revenue)>();
        var n = 0;
        DateTimeOffset InPeriod() => From.AddMinutes(random.Next(0, 170 * 24 * 60));
        foreach (var (customer, revenue) in planned)
        {
            // Split into two orders of different kinds: CRM only, tracker only, or both (the CRM's revenue wins).
            var first = Math.Floor(revenue / 3);
            foreach (var part in new[] { first, revenue - first })
            {
                var id = $"O{n++}";
                switch (random.Next(3))
                {
                    case 0: crm.Add((id, customer, InPeriod(), part, "paid")); break;
                    case 1: purchases.Add((id, "v-" + customer, customer, InPeriod(), part)); break;
                    default:
                        var ts = InPeriod();
                        purchases.Add((id, "v-" + customer, "", ts, part + 999)); // the tracker's figure loses
                        crm.Add((id, customer, ts.AddSeconds(20), part, "paid"));
                        break;
                }
            }
        }
        // What does not count: a returned order, an order before the period, an anonymous purchase of an unlinked visitor.
        crm.Add(("R1", "C8", InPeriod(), 5000, "returned"));
        crm.Add(("OLD", "C9", From.AddDays(-3), 5000, "paid"));
        purchases.Add(("ANON", "stranger", "", InPeriod(), 5000));
        // An anonymous purchase of a linked device is its customer's (person rule): C10 only has that one.
        purchases.Add(("LINKED", "v-C10", "", InPeriod(), 10));
        planned["C10"] = 10;
        await InsertAsync(engine.ClickHouse, [Link(site, "v-C10", "C10", From.AddDays(200).ToUnixTimeMilliseconds())]);
        foreach (var o in crm)
            await engine.ClickHouse.ExecuteAsync(Sql.Query($"""
                INSERT INTO orders (site_id, order_id, customer_id, ts, revenue, currency, status, version)
                VALUES ({site}, {o.Order}, {o.Customer}, {o.Ts}, {o.Revenue}, 'EUR', {o.Status}, 1)
                """));
        foreach (var p in purchases)
            await engine.ClickHouse.ExecuteAsync(Sql.Query($"""
                INSERT INTO events (event_id, site_id, received_at, ts, ts_ms, type, vid, customer_id, order_id, revenue, currency)
                VALUES ({Guid.NewGuid()}, {site}, {p.Ts}, {p.Ts}, {(ulong)p.Ts.ToUnixTimeMilliseconds()}, 'purchase', {p.Vid}, {p.Customer}, {p.Order}, {p.Revenue}, 'EUR')
                """));

        var expected = ExpectedClasses(planned);
        // The plan is what the test is about: C1, C10, C2 … in id order; C5 is A only by the tie rule.
        Assert.Equal(["A", "C", "A", "A", "A", "A", "B", "C", "C", "C"], ExpectedInKeyOrder(expected));

        // The same answers from the orders' query and from a stored snapshot of them (CustomerOrderSnapshots).
        foreach (var orders in await OrderSourcesAsync(engine.ClickHouse, site))
        {
            var rows = await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({AbcSql.Classes(orders, From, To, Options)}) ORDER BY customer_id"),
                AbcTestJson.Default.ClassRow);
            Assert.Equal(planned.Keys.Order(StringComparer.Ordinal), rows.Select(r => r.CustomerId));
            Assert.All(rows, r => Assert.Equal(planned[r.CustomerId], r.Revenue));
            Assert.All(rows, r => Assert.Equal(expected[r.CustomerId], r.Class));

            // The view's ranking (read once, then each customer's standing in memory) agrees with the SQL.
            var revenues = await engine.ClickHouse.QueryListAsync(AbcSql.Revenues(orders, From, To), Analytics.Customers.CustomerRowsJson.Default.RevenueRow);
            var ranking = new AbcRanking(revenues.Select(r => (r.CustomerId, r.Revenue)));
            foreach (var customer in planned.Keys.Append("nobody"))
            {
                var standing = ranking.Standing(customer);
                Assert.Equal(expected.GetValueOrDefault(customer, "C"), AbcRule.ClassOf(standing.Revenue, standing.Above, standing.Total, Options));
            }

            foreach (var customer in planned.Keys.Append("nobody"))
            {
                var standing = await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT * FROM ({AbcSql.Standing(orders, customer, From, To)})"),
                    AbcTestJson.Default.StandingRow);
                Assert.Equal(expected.GetValueOrDefault(customer, "C"), AbcRule.ClassOf(standing!.Revenue, standing.Above, standing.Total, Options));
            }
        }
    }

    /// <summary>The site's orders as the query and as a snapshot built now: every order test runs against both.</summary>
    internal static async Task<CustomerOrders[]> OrderSourcesAsync(IClickHouse clickHouse, string site)
    {
        var snapshots = new CustomerOrderSnapshots(clickHouse, Microsoft.Extensions.Logging.Abstractions.NullLogger<CustomerOrderSnapshots>.Instance);
        var snapshot = await snapshots.BuildAsync(site, await snapshots.VersionAsync(CancellationToken.None), CancellationToken.None);
        return [new CustomerOrders(site), new CustomerOrders(site, snapshot)];
    }

    /// <summary>The classes in customer-id order (C1, C10, C2, …).</summary>
    static List<string> ExpectedInKeyOrder(Dictionary<string, string> classes) =>
        classes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value).ToList();

    [Fact]
    public async Task A_site_without_orders_has_no_ranked_customer()
    {
        foreach (var orders in await OrderSourcesAsync(engine.ClickHouse, "empty-site"))
        {
            var rows = await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({AbcSql.Classes(orders, From, To, Options)})"),
                AbcTestJson.Default.ClassRow);
            Assert.Empty(rows);
            var standing = await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT * FROM ({AbcSql.Standing(orders, "C1", From, To)})"),
                AbcTestJson.Default.StandingRow);
            Assert.Equal("C", AbcRule.ClassOf(standing!.Revenue, standing.Above, standing.Total, Options));
        }
    }
}

[JsonSerializable(typeof(AbcSqlTests.ClassRow))]
[JsonSerializable(typeof(AbcSqlTests.StandingRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class AbcTestJson : JsonSerializerContext;

public sealed class AbcSqlTestsEmbedded(EmbeddedEngine engine) : AbcSqlTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class AbcSqlTestsServer(ServerEngine engine) : AbcSqlTests(engine), IClassFixture<ServerEngine>;
