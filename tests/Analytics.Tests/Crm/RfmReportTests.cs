using System.Net;
using System.Text.Json;
using Analytics.Crm.Rfm;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Reports;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Crm;

/// <summary>
/// <c>GET /api/reports/rfm</c> on both engines (site in Europe/Berlin, a range over the DST change): segments, score
/// distribution and the movement from the previous 31 days, each computed here by <see cref="RfmSqlTests.Expected"/>'s
/// definition; a filter narrows the customers counted to those with a matching event, without changing scores.
/// </summary>
public abstract class RfmReportTests(ApiFactory api)
{
    const string Range = "from=2026-03-01&to=2026-03-31";
    static readonly TimeZoneInfo Berlin = ReportData.Berlin;
    static DateTimeOffset Local(int month, int day) => new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, month, day, 0, 0, 0, DateTimeKind.Unspecified), Berlin), TimeSpan.Zero);

    [Fact]
    public async Task Segments_scores_and_movement_follow_the_definition_and_a_filter_narrows_the_customers()
    {
        var (key, site) = await AudienceReportsTests.BerlinSiteAsync(api, "rfm-report");
        DateTimeOffset from = Local(3, 1), to = Local(4, 1), previousFrom = Local(1, 29);
        var orders = RfmSqlTests.Plan(50, 11, previousFrom, to);
        await RfmSqlTests.InsertAsync(api.ClickHouse, site, orders);
        // Even customers browse on a phone in the range: the device filter counts them only.
        var mobile = new List<EventRow>();
        var links = new List<Analytics.Identity.IdentityLinkRow>();
        for (var c = 0; c < 50; c += 2)
        {
            var e = SessionData.Event(site, $"v-C{c}", from.AddDays(3).ToUnixTimeMilliseconds() + c * 60_000L);
            e.Device = "mobile";
            mobile.Add(e);
            links.Add(SessionData.Link(site, $"v-C{c}", $"C{c}", from.AddDays(3).ToUnixTimeMilliseconds()));
        }
        await SessionData.InsertAsync(api.ClickHouse, mobile);
        await SessionData.InsertAsync(api.ClickHouse, links);

        var current = RfmSqlTests.Expected(orders, from, to);
        var previous = RfmSqlTests.Expected(orders, previousFrom, from);
        Assert.Contains(previous.Keys, k => !current.ContainsKey(k)); // someone is lost to "none"
        Assert.Contains(current.Keys, k => !previous.ContainsKey(k)); // someone arrives from "none"

        foreach (var (filter, counted) in new (string, Func<string, bool>)[]
                 { ("", _ => true), ("&filter=device:is:mobile", k => k.StartsWith('C') && int.TryParse(k[1..], out var n) && n % 2 == 0) })
        {
            var answer = await AudienceReportsTests.GetAsync(api, $"/api/reports/rfm?site={key}&{Range}{filter}");
            Assert.Equal("2026-01-29", answer.GetProperty("previous_from").GetString()![..10]);
            var mine = current.Where(c => counted(c.Key)).ToList();
            Assert.Equal(mine.Count, answer.GetProperty("customers").GetInt64());
            Assert.Equal(mine.Sum(c => c.Value.Revenue), answer.GetProperty("revenue").GetDouble(), 2);

            var segments = answer.GetProperty("segments").EnumerateArray().ToList();
            Assert.Equal(RfmSegmentTable.Names, segments.Select(s => s.GetProperty("segment").GetString()));
            foreach (var row in segments)
            {
                var inSegment = mine.Where(c => c.Value.Segment == row.GetProperty("segment").GetString()).ToList();
                Assert.True(inSegment.Count == row.GetProperty("customers").GetInt64(), $"{filter} {row}");
                Assert.Equal(inSegment.Sum(c => c.Value.Revenue), row.GetProperty("revenue").GetDouble(), 2);
            }
            var scores = answer.GetProperty("scores").EnumerateArray().ToList();
            Assert.Equal([1, 2, 3, 4, 5], scores.Select(s => s.GetProperty("score").GetInt32()));
            foreach (var row in scores)
            {
                var s = row.GetProperty("score").GetInt32();
                Assert.Equal((mine.Count(c => c.Value.R == s), mine.Count(c => c.Value.F == s), mine.Count(c => c.Value.M == s)),
                    (row.GetProperty("recency").GetInt64(), row.GetProperty("frequency").GetInt64(), row.GetProperty("monetary").GetInt64()));
            }

            var expectedMoves = current.Keys.Union(previous.Keys).Where(counted)
                .GroupBy(k => (previous.TryGetValue(k, out var p) ? p.Segment : "none", current.TryGetValue(k, out var c) ? c.Segment : "none"))
                .ToDictionary(g => g.Key, g => (long)g.Count());
            var moves = answer.GetProperty("movement").EnumerateArray()
                .ToDictionary(m => (m.GetProperty("from_segment").GetString()!, m.GetProperty("to_segment").GetString()!), m => m.GetProperty("customers").GetInt64());
            Assert.Equal(expectedMoves.OrderBy(m => m.Key), moves.OrderBy(m => m.Key));
        }

        // The 360-degree view: the customer's scores and segment in the view's period (here the same instants).
        foreach (var customer in new[] { "C1", "C2", current.Keys.First(k => !previous.ContainsKey(k)), previous.Keys.First(k => !current.ContainsKey(k)) })
        {
            var view = (await AudienceReportsTests.GetAsync(api, $"/api/customers/{customer}?site={key}&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}")).GetProperty("rfm");
            if (current.TryGetValue(customer, out var e))
                Assert.Equal((e.R, e.F, e.M, e.Segment), (view.GetProperty("r").GetInt32(), view.GetProperty("f").GetInt32(), view.GetProperty("m").GetInt32(), view.GetProperty("segment").GetString()));
            else
                Assert.Equal(JsonValueKind.Null, view.GetProperty("segment").ValueKind);
        }

        var csv = await api.Admin().GetStringAsync($"/api/reports/rfm?site={key}&{Range}&format=csv");
        Assert.StartsWith("section,name,previous,customers,revenue\r\nsegment,champions,,", csv);
        Assert.Contains("\r\nmovement,", csv);
        var bad = await api.Admin().GetAsync($"/api/reports/rfm?site={key}&from=2026-03-31&to=2026-03-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class RfmReportTestsEmbedded(EmbeddedApi api) : RfmReportTests(api), IClassFixture<EmbeddedApi>;
public sealed class RfmReportTestsServer(ServerApi api) : RfmReportTests(api), IClassFixture<ServerApi>;
