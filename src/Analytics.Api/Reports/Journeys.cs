using System.Globalization;
using System.Security.Claims;
using Analytics.Crm;
using Analytics.Identity;
using Analytics.Reports.Filters;
using Analytics.Sessions;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/journeys</c> (DESIGN.md "Semantics", Attribution). A purchase is a tracker <c>purchase</c> event
/// in the range that matches the filters (repeated events of one <c>order_id</c> are one purchase, at its first event);
/// its revenue is the order's, the CRM's figure where the CRM knows the order (<see cref="OrdersSql"/>). CRM-only orders
/// have no session and take no part. Its touchpoints: the person's sessions starting after their previous purchase
/// (any, whenever) and not after this one, plus the session of this purchase, in order; a session's channel and
/// campaign are its first event's. First touch, last touch and linear revenue per channel and per campaign, and the
/// most frequent sequences of touchpoint channels (consecutive repeats kept).
/// </summary>
public sealed record JourneysReport(ReportInput Input, string? Limit, ClaimsPrincipal User, DateTimeOffset Now) : IReport<JourneysAnswer>
{
    public string Report => "journeys";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"limit={Limit}";
}

public sealed class JourneysValidator : AbstractValidator<JourneysReport>
{
    public JourneysValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Limit).Must(l => ReportLimits.IsValid(l, ReportOptions.MaxBreakdownRows)).When(r => r.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"limit is a whole number from 1 to {ReportOptions.MaxBreakdownRows}.");
    }
}

public sealed record JourneySequence(IReadOnlyList<string> Channels, long Conversions, double Revenue);
public sealed record ChannelAttribution(string Channel, double FirstTouch, double LastTouch, double Linear);
public sealed record CampaignAttribution(string Campaign, double FirstTouch, double LastTouch, double Linear);

public sealed record JourneysAnswer(
    string From, string To, long Conversions, double Revenue, IReadOnlyList<JourneySequence> Sequences,
    IReadOnlyList<ChannelAttribution> Attribution, IReadOnlyList<CampaignAttribution> Campaigns) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["kind", "name", "conversions", "revenue", "first_touch", "last_touch", "linear"],
        Sequences.Select(s => (IReadOnlyList<object>)["sequence", string.Join(" > ", s.Channels), s.Conversions, s.Revenue, "", "", ""])
            .Concat(Attribution.Select(a => (IReadOnlyList<object>)["channel", a.Channel, "", "", a.FirstTouch, a.LastTouch, a.Linear]))
            .Concat(Campaigns.Select(c => (IReadOnlyList<object>)["campaign", c.Campaign, "", "", c.FirstTouch, c.LastTouch, c.Linear])).ToList());
}

public sealed class JourneysHandler(IClickHouse clickHouse, ISessionSource sessionSource, SharedDevices sharedDevices) : IRequestHandler<JourneysReport, JourneysAnswer>
{
    /// <summary>A purchase event's order, revenue and key (its order id, else its own event id: a purchase without order id is one).</summary>
    static readonly ReportDimension Purchase = new("purchase", DimensionSource.Event,
        Sql.Query($"tuple(order_id, revenue, if(order_id = '', toString(event_id), order_id))"), ["order_id", "revenue", "event_id"]);

    static readonly IReadOnlyList<string> PurchaseType = ["purchase"];

    public async ValueTask<JourneysAnswer> Handle(JourneysReport request, CancellationToken ct)
    {
        var scope = await sharedDevices.WithSharedDevicesAsync(request.Scope(), ct);
        var limit = request.Limit is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : 10;
        var rows = await clickHouse.QueryListAsync(await TouchpointsSqlAsync(scope, ct), PathJson.Default.JourneyPurchase, ct);
        var purchases = rows.Where(r => r.Channels.Count > 0).ToList();
        var sequences = purchases.GroupBy(p => string.Join('\u001F', p.Channels))
            .Select(g => new JourneySequence(g.First().Channels, g.Count(), Round(g.Sum(p => p.Revenue))))
            .OrderByDescending(s => s.Conversions).ThenByDescending(s => s.Revenue).ThenBy(s => string.Join('\u001F', s.Channels), StringComparer.Ordinal)
            .Take(limit).ToList();
        var channels = Attribute(purchases, p => p.Channels).Select(a => new ChannelAttribution(a.Name, a.First, a.Last, a.Linear)).ToList();
        var campaigns = Attribute(purchases, p => p.Campaigns).Select(a => new CampaignAttribution(a.Name, a.First, a.Last, a.Linear)).ToList();
        return new JourneysAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone),
            purchases.Count, Round(purchases.Sum(p => p.Revenue)), sequences, channels, campaigns);
    }

    /// <summary>First touch, last touch and linear (equal shares) revenue per value of the touchpoints, by linear revenue.</summary>
    static List<(string Name, double First, double Last, double Linear)> Attribute(List<JourneyPurchase> purchases, Func<JourneyPurchase, List<string>> touchpoints)
    {
        var sums = new Dictionary<string, (double First, double Last, double Linear)>(StringComparer.Ordinal);
        void Add(string value, double first, double last, double linear)
        {
            var name = value.Length == 0 ? BreakdownReport.None : value;
            var s = sums.GetValueOrDefault(name);
            sums[name] = (s.First + first, s.Last + last, s.Linear + linear);
        }
        foreach (var purchase in purchases)
        {
            var values = touchpoints(purchase);
            Add(values[0], purchase.Revenue, 0, 0);
            Add(values[^1], 0, purchase.Revenue, 0);
            foreach (var value in values) Add(value, 0, 0, purchase.Revenue / values.Count);
        }
        return sums.Select(s => (s.Key, Round(s.Value.First), Round(s.Value.Last), Round(s.Value.Linear)))
            .OrderByDescending(s => s.Item4).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    static double Round(double revenue) => Math.Round(revenue, 4);

    /// <summary>
    /// One row per purchase of the scope: its revenue and its touchpoints' channels and campaigns in order of their start.
    /// The person's purchases are read whenever they were (the previous one may lie before the range), without the
    /// filters (which select the purchases reported, not the history); the sessions are all of those persons' sessions
    /// that start before the range ends.
    /// </summary>
    async Task<Sql> TouchpointsSqlAsync(ReportScope scope, CancellationToken ct)
    {
        // Only purchase events are read, in the events scan itself (before their persons are resolved). Persons are
        // matched by hash (ReportSql.EventPersonHashes, SessionQuery.PersonHash): no person string per session or purchase.
        var everyPurchase = ReportSql.EventPersonHashes(scope with { Conditions = [] }, 0, scope.ToMs, Purchase, Purchase.Value, types: PurchaseType);
        var reported = ReportSql.Events(scope, scope.FromMs, scope.ToMs, Purchase, Purchase.Value, types: PurchaseType, withPerson: false);
        var sessions = await sessionSource.SessionsAsync(new SessionQuery(scope.Site.Id, null, scope.ToMs, PersonHash: true, SharedDevices: scope.SharedDevices), ct);
        var purchases = Sql.Query($"""
            SELECT person_hash, person_order.1 AS purchase_ms, person_order.2 AS purchase_vid, person_order.3 AS purchase_revenue, person_order.5 AS purchase_key, previous_ms
            FROM
            (
                SELECT person_hash, arraySort(groupArray((order_ms, order_vid, order_revenue, reported, order_key))) AS person_orders,
                    arrayPushFront(arrayPopBack(arrayMap(o -> o.1, person_orders)), 0) AS previous_times
                FROM
                (
                    SELECT person_hash, order_ms, order_vid, reported, order_key, if(crm_known = 1, crm_revenue, tracker_revenue) AS order_revenue
                    FROM
                    (
                        SELECT person_hash, order_key, order_ms, order_vid, order_id, tracker_revenue, reported
                        FROM
                        (
                            SELECT person_hash, order_key, min(event_ms) AS order_ms, argMin(event_vid, event_ms) AS order_vid,
                                argMin(event_order, event_ms) AS order_id, argMin(event_revenue, event_ms) AS tracker_revenue
                            FROM
                            (
                                SELECT person_hash, ts_ms AS event_ms, vid AS event_vid, value.1 AS event_order, value.2 AS event_revenue, value.3 AS order_key
                                FROM ({everyPurchase})
                                WHERE type = 'purchase'
                            ) AS purchase_events
                            GROUP BY person_hash, order_key
                        ) AS grouped_orders
                        ANY LEFT JOIN
                        (
                            SELECT value.3 AS order_key, toUInt8(1) AS reported FROM ({reported}) WHERE type = 'purchase' GROUP BY order_key
                        ) AS reported_orders USING order_key
                    ) AS person_orders
                    ANY LEFT JOIN
                    (
                        SELECT order_id, crm_revenue, toUInt8(1) AS crm_known FROM ({OrdersSql.CrmRevenue(scope.Site.Id)}) AS crm_revenues
                    ) AS crm_orders USING order_id
                ) AS priced_orders
                GROUP BY person_hash
            ) AS persons
            ARRAY JOIN person_orders AS person_order, previous_times AS previous_ms
            WHERE person_order.4 = 1 AND purchase_ms >= {scope.FromMs} AND purchase_ms < {scope.ToMs}
            """);
        // The purchases (few) are the hash side and the sessions stream past them: only the sessions of persons with a
        // purchase in the scope are kept and grouped, per purchase, instead of every person's sessions of the site.
        // Sessions starting at the same time are ordered by visitor, channel and campaign, so the answer is the same each time.
        return Sql.Query($"""
            SELECT revenue, arrayMap(t -> t.3, touches) AS channels, arrayMap(t -> t.4, touches) AS campaigns
            FROM
            (
                SELECT any(purchase_revenue) AS revenue, arraySort(groupArray((session_start, visitor_id, channel, utm_campaign))) AS touches
                FROM
                (
                    SELECT person_hash, toInt64(start_ms) AS session_start, toInt64(end_ms) AS session_end, visitor_id, channel, utm_campaign
                    FROM ({sessions}) AS all_sessions
                ) AS person_sessions
                ALL INNER JOIN ({purchases}) AS purchases USING person_hash
                WHERE (session_start > toInt64(previous_ms) AND session_start <= toInt64(purchase_ms))
                    OR (visitor_id = purchase_vid AND session_start <= toInt64(purchase_ms) AND session_end >= toInt64(purchase_ms))
                GROUP BY person_hash, purchase_key
            ) AS touched
            """);
    }
}

public sealed record JourneyPurchase(double Revenue, List<string> Channels, List<string> Campaigns);
