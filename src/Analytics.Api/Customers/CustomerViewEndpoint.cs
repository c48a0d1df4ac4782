using Analytics.Sessions;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Customers;

/// <summary>
/// GET /api/customers/{id}?site=KEY: the 360-degree view (docs/customers.md). Reads the customer's devices first, then
/// everything else narrowed by them, in parallel: CRM profile, orders, contacts, A/B/C standing, consent, sessions (through
/// <see cref="ISessionSource"/>, keeping those whose person is this customer), the devices' links; then, in one read, the
/// events of the days its devices were active (<see cref="DeviceEvents"/>: timeline, purchases, answers, products).
/// </summary>
public static class CustomerViewEndpoint
{
    /// <summary>Outcomes that close a complaint (case-insensitive); any other outcome, or none, leaves it open.</summary>
    public static readonly IReadOnlySet<string> ClosingOutcomes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "resolved", "closed", "refunded", "replaced", "rejected", "withdrawn" };

    /// <summary>The deepest timeline item a page may reach: the newest this many events are read to merge a page.</summary>
    const int MaxTimelineDepth = 10_000;

    public static async Task<IResult> HandleAsync(string id, HttpContext http, IClickHouse clickHouse, ISessionSource sessionSource,
        CustomerRankings rankings, IOptions<CustomerOptions> settings, Analytics.Crm.Value.CustomerValueReader values, CancellationToken ct)
    {
        var options = settings.Value;
        var site = http.SiteOf().Id;
        var now = DateTimeOffset.UtcNow;
        var problems = new List<IResult>();
        var sessionsPage = CustomerQuery.Positive(http.Request, "sessions_page", 1, int.MaxValue, problems);
        var sessionsSize = CustomerQuery.Positive(http.Request, "sessions_page_size", 20, CustomerQuery.MaxPageSize, problems);
        var timelinePage = CustomerQuery.Positive(http.Request, "timeline_page", 1, int.MaxValue, problems);
        var timelineSize = CustomerQuery.Positive(http.Request, "timeline_page_size", 50, CustomerQuery.MaxPageSize, problems);
        var (from, to, defaultPeriod) = CustomerQuery.AbcPeriod(http.Request, options, now, problems);
        if (problems.Count == 0 && (long)timelinePage!.Value * timelineSize!.Value > MaxTimelineDepth)
            problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", $"reaches past the newest {MaxTimelineDepth} items", "timeline_page"));
        if (problems.Count > 0) return problems[0];

        var acquisitionTask = values.AcquisitionCostsAsync(http.SiteOf(), ct);
        var linksTask = clickHouse.QueryListAsync(CustomerViewSql.Links(site, id), CustomerRowsJson.Default.LinkRow, ct);
        var orderIdsTask = clickHouse.QueryListAsync(CustomerViewSql.OrderIds(site, id), CustomerRowsJson.Default.OrderIdRow, ct);
        await Task.WhenAll(linksTask, orderIdsTask);
        var links = linksTask.Result;
        var crmOrderIds = orderIdsTask.Result.Select(o => o.OrderId).ToList();
        var visitors = links.Select(l => l.VisitorId).ToList();
        var profileTask = clickHouse.QueryFirstOrDefaultAsync(CustomerViewSql.Profile(site, id), CustomerRowsJson.Default.ProfileRow, ct);
        var contactsTask = clickHouse.QueryListAsync(CustomerViewSql.Contacts(site, id), CustomerRowsJson.Default.ContactRow, ct);
        var rankingTask = rankings.GetAsync(site, from, to, defaultPeriod, ct);
        var consentTask = visitors.Count == 0 ? Task.FromResult<ConsentProofRow?>(null)
            : clickHouse.QueryFirstOrDefaultAsync(CustomerViewSql.LatestConsent(site, visitors), CustomerRowsJson.Default.ConsentProofRow, ct);
        var sessionsTask = visitors.Count == 0 ? Task.FromResult(new List<SessionRow>()) : DeviceSessionsAsync(clickHouse, sessionSource, site, visitors, ct);
        var deviceLinksTask = visitors.Count == 0 ? Task.FromResult(new List<DeviceLinkRow>())
            : clickHouse.QueryListAsync(DeviceEvents.Links(site, visitors), DeviceEventsJson.Default.DeviceLinkRow, ct);
        var crmOrdersTask = crmOrderIds.Count == 0 ? Task.FromResult(new List<CrmOrderRow>())
            : clickHouse.QueryListAsync(CustomerViewSql.CrmOrders(site, id, crmOrderIds), CustomerRowsJson.Default.CrmOrderRow, ct);
        await Task.WhenAll(profileTask, contactsTask, rankingTask, consentTask, sessionsTask, deviceLinksTask, crmOrdersTask);
        var persons = new Persons(deviceLinksTask.Result);
        var (profile, contacts) = (profileTask.Result, contactsTask.Result);
        // A session's person is its device's at the session's end (PersonSql's rule), from the links read above.
        var deviceSessions = sessionsTask.Result.Select(s => s with { Person = persons.At(s.VisitorId, s.EndMs) }).ToList();

        var sessions = deviceSessions.Where(s => s.Person == id).OrderByDescending(s => s.StartMs).ThenBy(s => s.VisitorId, StringComparer.Ordinal).ToList();
        var days = CustomerViewSql.DaysOf(deviceSessions.Select(s => (s.StartMs, s.EndMs)));
        var recommender = http.RequestServices.GetRequiredService<Analytics.Crm.Affinity.CustomerRecommendations>();
        var crmItemsTask = recommender.CrmItemsAsync(site, crmOrdersTask.Result.Where(o => o.Returned == 0).Select(o => o.OrderId).ToList(), ct);
        // One read of the devices' events on their sessions' days serves the timeline, the purchases, the answers and the products.
        var events = new DeviceEvents(days.Count == 0 ? []
            : await clickHouse.QueryListAsync(DeviceEvents.Read(site, visitors, days), DeviceEventsJson.Default.DeviceEventRow, ct), persons);
        var purchases = events.Purchases();
        var candidates = CustomerViewOrders.TrackerCandidates(id, crmOrderIds, purchases);
        var knownToCrmTask = candidates.Count == 0 ? Task.FromResult(new List<OrderIdRow>())
            : clickHouse.QueryListAsync(CustomerViewSql.KnownToCrm(site, candidates), CustomerRowsJson.Default.OrderIdRow, ct);
        var surveysTask = Crm.Surveys.CustomerSurveys.WithTextsAsync(clickHouse, site, events.Answers(id, Crm.Surveys.CustomerSurveys.MaxItems), ct);
        await Task.WhenAll(knownToCrmTask, surveysTask);
        var knownToCrm = knownToCrmTask.Result.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        var orders = CustomerViewOrders.Combine(id, crmOrdersTask.Result, crmOrderIds, purchases, knownToCrm);
        if (profile is null && links.Count == 0 && orders.Count == 0 && contacts.Count == 0)
            return Problems.Field(StatusCodes.Status404NotFound, "Unknown customer", $"The site has no customer '{id}'.", "id");

        var rfm = Analytics.Crm.Rfm.CustomerRfm.Of(rankingTask.Result.Rfm, id, from, to);
        var standing = rankingTask.Result.Abc.Standing(id);
        var clv = Clv.Of(orders.Select(o => new OrderValue(Seconds(o.TsS), o.Revenue, o.HasCostOfGoods == 1 ? o.CostOfGoods : null, o.Returned == 1)), now, options.LifetimeYears);
        var contactItems = contacts.Select(ToItem).ToList();
        var journey = Journey.Phases(
            sessions.Select(s => new JourneySession(s.VisitorId, s.StartMs, s.EndMs, s.Channel, s.Source, s.UtmCampaign)),
            contacts.Select(c => new JourneyContact(c.ContactId, c.TsS * 1000, c.Channel, c.Kind)),
            // The first purchase event of an order (its vid and time, read with the order) names the order's session.
            orders.Select(o => o.PurchaseMs > 0 ? new JourneyOrder(o.OrderId, o.TsS * 1000, o.Vid, o.PurchaseMs) : new JourneyOrder(o.OrderId, o.TsS * 1000)),
            options.PostPurchaseWindow);

        var trackerOrders = orders.Where(o => o.Returned == 0 && o.Source == "tracker").Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        var recommendations = await recommender.ForAsync(http.SiteOf(), (await crmItemsTask).Concat(events.ItemSkus(trackerOrders)), events.Viewed(),
            from, to, defaultPeriod, ct);
        return TypedResults.Ok(new CustomerView(
            id, profile is null ? null : ToProfile(profile), AbcRule.ClassOf(standing.Revenue, standing.Above, standing.Total, options),
            new AbcStanding(from, to, standing.Revenue, standing.Above, standing.Total),
            clv.Historic, clv.Orders, clv.AverageOrderValue,
            sessions.Count == 0 ? null : Ms(sessions.Min(s => s.StartMs)), sessions.Count == 0 ? null : Ms(sessions.Max(s => s.EndMs)),
            new ClvAnswer(clv.Historic, clv.Predicted, clv.PredictedMargin, clv.OrdersPerYear, options.LifetimeYears),
            contactItems.Where(c => c.Kind == "complaint" && !ClosingOutcomes.Contains(c.Outcome.Trim())).Reverse().ToList(),
            contactItems.LastOrDefault(c => c.Kind is "service" or "complaint"),
            links.Select(l => Visitor(l, deviceSessions)).ToList(),
            Consent(consentTask.Result),
            new Paged<SessionItem>(sessionsPage!.Value, sessionsSize!.Value, sessions.Count,
                sessions.Skip((int)Math.Min(int.MaxValue, (long)(sessionsPage.Value - 1) * sessionsSize.Value)).Take(sessionsSize.Value).Select(ToItem).ToList()),
            Timeline(events.Newest(id, timelinePage!.Value * timelineSize!.Value), events.Count(id), orders, contactItems, timelinePage!.Value, timelineSize!.Value),
            journey) { SurveyAnswers = surveysTask.Result, Rfm = rfm, OrderHistory = OrderHistory(orders), Recommendations = recommendations, Value = Analytics.Crm.Value.CustomerValueReader.Of(id, orders, contacts, sessions, (await acquisitionTask).GetValueOrDefault(id)) });
    }

    /// <summary>
    /// Every session of the customer's devices, without its person (the caller resolves it from the devices' links and
    /// keeps the customer's): the person's link reads and joins took ~100 ms of a ~120 ms read for one device at 10 M events.
    /// </summary>
    static async Task<List<SessionRow>> DeviceSessionsAsync(IClickHouse clickHouse, ISessionSource source, string site, List<string> visitors, CancellationToken ct)
    {
        var sessions = await source.SessionsAsync(new SessionQuery(site, Visitors: visitors, WithoutPerson: true), ct);
        return await clickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({sessions})"), CustomerRowsJson.Default.SessionRow, ct);
    }

    static Paged<TimelineItem> Timeline(List<TimelineEventRow> events, long eventCount, List<CustomerOrderRow> orders, List<ContactItem> contacts, int page, int size)
    {
        var items = events.Select(e => new TimelineItem("event", Ms(e.TsMs))
            {
                EventId = e.EventId, Type = e.Type, Name = e.Name, Path = e.Path, VisitorId = e.Vid, Channel = e.Channel, Source = e.Source,
                OrderId = e.OrderId.Length > 0 ? e.OrderId : null, Revenue = e.Type == "purchase" ? e.Revenue : null,
                Currency = e.Type == "purchase" ? e.Currency : null,
            })
            .Concat(orders.Select(o => new TimelineItem("order", Seconds(o.TsS))
            {
                OrderId = o.OrderId, Revenue = o.Revenue, Currency = o.Currency, CostOfGoods = o.HasCostOfGoods == 1 ? o.CostOfGoods : null,
                Returned = o.Returned == 1, OrderSource = o.Source, VisitorId = o.Vid.Length > 0 ? o.Vid : null,
            }))
            .Concat(contacts.Select(c => new TimelineItem("contact", c.Ts)
            {
                ContactId = c.ContactId, Channel = c.Channel, Direction = c.Direction, ContactKind = c.Kind, Subject = c.Subject,
                Outcome = c.Outcome, Cost = c.Cost,
            }))
            .OrderByDescending(i => i.Ts).ThenBy(i => i.Kind, StringComparer.Ordinal)
            .ThenByDescending(i => i.EventId ?? i.OrderId ?? i.ContactId, StringComparer.Ordinal);
        return new Paged<TimelineItem>(page, size, eventCount + orders.Count + contacts.Count, items.Skip((page - 1) * size).Take(size).ToList());
    }

    static List<OrderItem> OrderHistory(List<CustomerOrderRow> orders) => orders
        .OrderByDescending(o => o.TsS).ThenBy(o => o.OrderId, StringComparer.Ordinal)
        .Select(o => new OrderItem(o.OrderId, Seconds(o.TsS), o.Revenue, o.Currency, o.HasCostOfGoods == 1 ? o.CostOfGoods : null, o.Returned == 1, o.Source,
            o.Vid.Length > 0 ? o.Vid : null))
        .ToList();

    static LinkedVisitor Visitor(LinkRow link, List<SessionRow> deviceSessions)
    {
        var own = deviceSessions.Where(s => s.VisitorId == link.VisitorId).ToList();
        return new LinkedVisitor(link.VisitorId, link.Source, Seconds(link.LinkedS),
            own.Count == 0 ? null : Ms(own.Min(s => s.StartMs)), own.Count == 0 ? null : Ms(own.Max(s => s.EndMs)));
    }

    static ConsentState Consent(ConsentProofRow? proof) => proof is null ? new ConsentState(null, null) : new ConsentState(
        new ConsentPurpose(proof.Analytics == 1, Seconds(proof.ReceivedS), proof.Vid, proof.PolicyVersion, proof.Source),
        new ConsentPurpose(proof.Marketing == 1, Seconds(proof.ReceivedS), proof.Vid, proof.PolicyVersion, proof.Source));

    static CustomerProfile ToProfile(ProfileRow p) => new(p.Email, p.Name, p.Segment, p.CreatedS > 0 ? Seconds(p.CreatedS) : null,
        p.AttributeKeys.Zip(p.AttributeValues).GroupBy(a => a.First).ToDictionary(g => g.Key, g => g.Last().Second),
        new MarketingConsent(p.MarketingConsent == 1, p.MarketingConsentS > 0 ? Seconds(p.MarketingConsentS) : null));

    static ContactItem ToItem(ContactRow c) => new(c.ContactId, Seconds(c.TsS), c.Channel, c.Direction, c.Kind, c.Subject, c.Outcome, c.Cost);

    static SessionItem ToItem(SessionRow s) => new(s.VisitorId, Ms(s.StartMs), Ms(s.EndMs), s.DurationMs, s.Events, s.Pageviews, s.Bounce == 1,
        s.EntryPath, s.ExitPath, s.Channel, s.Source, s.UtmCampaign, s.Device, s.Browser, s.Os, s.Country);

    static DateTimeOffset Seconds(long s) => DateTimeOffset.FromUnixTimeSeconds(s);
    static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
