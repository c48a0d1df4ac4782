using System.Text.Json.Serialization;
using Analytics.Crm.Affinity;
using Analytics.Crm.Surveys;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Customers;

/// <summary>
/// One event of a customer's devices, as the 360-degree view reads them: the timeline's columns, the purchase's owner
/// fields, the answer and rating fields (survey events only), the SKUs of a purchase's <c>items</c> and the product of
/// a product view ('' and empty elsewhere).
/// </summary>
public sealed record DeviceEventRow(string EventId, long TsMs, long TsS, string Type, string Name, string Path, string Vid, string Channel,
    string Source, string OrderId, double Revenue, string Currency, string CustomerId, int IsBot,
    string Survey, string Question, string Score, string Choice, string Subject, string Stars, List<string> ItemSkus, string Product);

/// <summary>An identity link of one of the customer's devices, to it or to another customer (a shared device).</summary>
public sealed record DeviceLinkRow(string VisitorId, string CustomerId, long LinkedMs);

/// <summary>
/// The events of a customer's devices, read once for the whole view (docs/customers.md): the timeline, the event count,
/// the devices' purchases, the answers and ratings, the SKUs of the tracker's orders and the products viewed are all
/// taken from this one read, where each was its own scan of the same days before (six reads of the devices' events a
/// view at most). The person of each event is the <see cref="PersonSql"/> rule, applied here to the devices' links.
/// </summary>
public sealed class DeviceEvents
{
    readonly IReadOnlyList<DeviceEventRow> rows;
    readonly Persons persons;

    public DeviceEvents(IReadOnlyList<DeviceEventRow> rows, Persons persons) => (this.rows, this.persons) = (rows, persons);

    /// <summary>
    /// The SELECT: the devices' events on the days of their sessions (every stored non-bot event of a device lies on one
    /// of them, <see cref="CustomerViewSql.DaysOf"/>; the days also keep out a device's bot events elsewhere, as before),
    /// with the fields of the types that need them and no other props. Read from <c>events_by_visitor</c>, the events
    /// ordered by (site_id, vid, ts) (migration 0026): the devices' rows are adjacent there, where in <c>events</c> they
    /// lie in a granule of every day (measured at 10 M events: 99.5 ms → 27 ms a view).
    /// </summary>
    public static Sql Read(string siteId, IReadOnlyCollection<string> visitors, IReadOnlyList<CustomerViewSql.Window> days)
    {
        Sql Answer(string field) => Sql.Query($"if(type IN {SqlInList.Of([.. SurveyFields.Types])}, props_values[indexOf(props_keys, {field})], '')");
        return Sql.Query($"""
            SELECT toString(event_id) AS event_id, ts_ms, toUnixTimestamp(ts) AS ts_s, type, name, path, vid, channel, source, order_id, revenue, currency,
                customer_id, is_bot,
                {Answer("survey")} AS survey, {Answer("question")} AS question, {Answer("score")} AS score, {Answer("choice")} AS choice,
                {Answer("subject")} AS subject, {Answer("stars")} AS stars,
                if(type = 'purchase', extractAll(props_values[indexOf(props_keys, 'items')], {AffinitySql.ItemSkuPattern}), emptyArrayString()) AS item_skus,
                if(type = 'product_view', {EventColumns.ViewedProduct}, '') AS product
            FROM events_by_visitor
            WHERE site_id = {siteId} AND vid IN {SqlInList.Of(visitors)} AND ({CustomerViewSql.InWindows(days)})
            """);
    }

    /// <summary>Every link of the devices, whichever customer it names.</summary>
    public static Sql Links(string siteId, IReadOnlyCollection<string> visitors) => Sql.Query($"""
        SELECT visitor_id, customer_id, toUInt64(linked_at) * 1000 AS linked_ms
        FROM identity_links WHERE site_id = {siteId} AND visitor_id IN {SqlInList.Of(visitors)}
        """);

    /// <summary>The customer's own (non-bot) events, newest first (ties by event id, descending), at most <paramref name="limit"/>.</summary>
    public List<TimelineEventRow> Newest(string customerId, int limit) => Own(customerId)
        .OrderByDescending(e => e.TsMs).ThenByDescending(e => e.EventId, StringComparer.Ordinal).Take(limit)
        .Select(e => new TimelineEventRow(e.EventId, e.TsMs, e.Type, e.Name, e.Path, e.Vid, e.Channel, e.Source, e.OrderId, e.Revenue, e.Currency))
        .ToList();

    /// <summary>How many (non-bot) events are the customer's.</summary>
    public long Count(string customerId) => Own(customerId).LongCount();

    /// <summary>
    /// The first purchase event of each order on the devices (bots included, as in <see cref="Crm.OrdersSql"/>), with the
    /// order's owner: the event's customer id, else the person of its device at its time.
    /// </summary>
    public List<DevicePurchaseRow> Purchases() => rows.Where(e => e.Type == "purchase" && e.OrderId.Length > 0)
        .GroupBy(e => e.OrderId, StringComparer.Ordinal)
        .Select(g =>
        {
            var first = g.OrderBy(e => e.TsMs).ThenBy(e => e.EventId, StringComparer.Ordinal).First();
            var owner = first.CustomerId.Length > 0 ? first.CustomerId : persons.At(first.Vid, first.TsMs);
            return new DevicePurchaseRow(g.Key, first.Vid, first.TsMs, g.Min(e => e.TsS), first.Revenue, first.Currency, owner);
        })
        .ToList();

    /// <summary>The SKUs of these orders' first purchase events (the tracker's orders: the CRM's items are the CRM's).</summary>
    public List<string> ItemSkus(IReadOnlySet<string> orderIds) => rows.Where(e => e.Type == "purchase" && orderIds.Contains(e.OrderId))
        .GroupBy(e => e.OrderId, StringComparer.Ordinal)
        .SelectMany(g => g.OrderBy(e => e.TsMs).ThenBy(e => e.EventId, StringComparer.Ordinal).First().ItemSkus)
        .Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The products the devices viewed (non-bot product views), the latest viewed first, ties by SKU.</summary>
    public List<string> Viewed() => rows.Where(e => e.Type == "product_view" && e.IsBot == 0 && e.Product.Length > 0)
        .GroupBy(e => e.Product, StringComparer.Ordinal)
        .OrderByDescending(g => g.Max(e => e.TsMs)).ThenBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => g.Key).ToList();

    /// <summary>The customer's answers and ratings, newest first (ties by event id, descending), at most <paramref name="limit"/>.</summary>
    public List<SurveyAnswerRow> Answers(string customerId, int limit) => Own(customerId)
        .Where(e => SurveyFields.Types.Contains(e.Type))
        .OrderByDescending(e => e.TsMs).ThenByDescending(e => e.EventId, StringComparer.Ordinal).Take(limit)
        .Select(e => new SurveyAnswerRow(e.EventId, e.Type, e.TsMs, e.Vid, e.Survey, e.Question, e.Score, e.Choice, e.Subject, e.Stars))
        .ToList();

    /// <summary>Whether every link of the devices names this customer (no shared device).</summary>
    public bool OnlyOf(string customerId) => persons.OnlyOf(customerId);

    IEnumerable<DeviceEventRow> Own(string customerId) => rows.Where(e => e.IsBot == 0 && persons.At(e.Vid, e.TsMs) == customerId);
}

/// <summary>
/// <see cref="PersonSql.PersonAt"/> in C#, for the links of a few devices: a visitor's person at a time is the customer
/// of its latest link at or before that time, else of its earliest link; links at the same time are ordered by customer
/// id (ordinal, as ClickHouse compares strings); a visitor without links is its own person.
/// </summary>
public sealed class Persons
{
    readonly Dictionary<string, DeviceLinkRow[]> byVisitor;

    public Persons(IEnumerable<DeviceLinkRow> links) => byVisitor = links.GroupBy(l => l.VisitorId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.OrderBy(l => l.LinkedMs).ThenBy(l => l.CustomerId, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    public string At(string visitorId, long tsMs)
    {
        if (!byVisitor.TryGetValue(visitorId, out var links)) return visitorId;
        var atOrBefore = links.Count(l => l.LinkedMs <= tsMs);
        return links[Math.Max(1, atOrBefore) - 1].CustomerId;
    }

    public bool OnlyOf(string customerId) => byVisitor.Values.All(links => links.All(l => l.CustomerId == customerId));
}

[JsonSerializable(typeof(DeviceEventRow))]
[JsonSerializable(typeof(DeviceLinkRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class DeviceEventsJson : JsonSerializerContext;
