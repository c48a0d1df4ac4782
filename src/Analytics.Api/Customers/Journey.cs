using System.Text.Json.Serialization;

namespace Analytics.Customers;

/// <summary>A session of the customer as the journey needs it (times in ms).</summary>
public sealed record JourneySession(string VisitorId, long StartMs, long EndMs, string Channel, string Source, string Campaign);

/// <summary>A CRM contact of the customer.</summary>
public sealed record JourneyContact(string ContactId, long TsMs, string Channel, string Kind);

/// <summary>
/// An order of the customer: its time (the CRM's, else the purchase event's, to the second) and, when the tracker saw it,
/// the visitor and time of its first purchase event, which name the session it was placed in.
/// </summary>
public sealed record JourneyOrder(string OrderId, long TsMs, string? PurchaseVisitor = null, long? PurchaseMs = null);

/// <summary>A touchpoint: a session (channel, source, campaign) or a contact (channel, kind).</summary>
public sealed record Touchpoint(
    string Type, DateTimeOffset Ts, string Channel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? End = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? VisitorId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Campaign = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContactId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind = null);

/// <summary>One phase of the journey: pre_purchase, transaction, post_purchase (of an order) or open (of none yet).</summary>
public sealed record JourneyPhase(
    string Phase,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? OrderTs,
    IReadOnlyList<Touchpoint> Touchpoints);

/// <summary>
/// The customer journey (DESIGN.md "Semantics", docs/customers.md): every session and contact of a customer placed in
/// a phase around its orders.
/// <list type="bullet">
/// <item>transaction: the session the order was placed in: the session of the visitor of its first purchase event that
///   contains that event; for an order the tracker never saw, a session whose [start, end] holds the order's second.
///   A session holding two orders is the transaction of the earlier one.</item>
/// <item>post_purchase of order k: a touchpoint at most the window (30 days) after order k's time and before
///   order k+1's transaction session (its order time when it has none);</item>
/// <item>pre_purchase of order k: every other touchpoint before order k's time (and after order k−1's post-purchase);</item>
/// <item>open: after the last order and outside its post-purchase window.</item>
/// </list>
/// A touchpoint's time is a session's start or a contact's time. Phases come in time order: per order its
/// pre_purchase (when it has touchpoints), its transaction (always, possibly without a session), its post_purchase
/// (when it has touchpoints); then open (when it has touchpoints).
/// </summary>
public static class Journey
{
    public const string PrePurchase = "pre_purchase", Transaction = "transaction", PostPurchase = "post_purchase", Open = "open";

    public static List<JourneyPhase> Phases(IEnumerable<JourneySession> sessions, IEnumerable<JourneyContact> contacts,
        IEnumerable<JourneyOrder> orders, TimeSpan postPurchaseWindow)
    {
        var ordered = orders.OrderBy(o => o.TsMs).ThenBy(o => o.OrderId, StringComparer.Ordinal).ToList();
        var byStart = sessions.OrderBy(s => s.StartMs).ThenBy(s => s.VisitorId, StringComparer.Ordinal).ToList();
        var transactionOf = new Dictionary<JourneySession, int>(ReferenceEqualityComparer.Instance);
        var transactionSession = new JourneySession?[ordered.Count];
        for (var k = 0; k < ordered.Count; k++)
        {
            var session = TransactionSession(ordered[k], byStart, transactionOf);
            if (session is null) continue;
            transactionOf[session] = k;
            transactionSession[k] = session;
        }

        var pre = ordered.Select(_ => new List<(long, Touchpoint)>()).ToList();
        var post = ordered.Select(_ => new List<(long, Touchpoint)>()).ToList();
        var open = new List<(long, Touchpoint)>();
        var windowMs = (long)postPurchaseWindow.TotalMilliseconds;
        void Place(long t, Touchpoint touchpoint)
        {
            var next = ordered.FindIndex(o => o.TsMs > t);
            var previous = (next < 0 ? ordered.Count : next) - 1;
            var nextBoundary = next < 0 ? long.MaxValue : transactionSession[next]?.StartMs ?? ordered[next].TsMs;
            if (previous >= 0 && t - ordered[previous].TsMs <= windowMs && t < nextBoundary) post[previous].Add((t, touchpoint));
            else if (next >= 0) pre[next].Add((t, touchpoint));
            else open.Add((t, touchpoint));
        }
        foreach (var s in byStart.Where(s => !transactionOf.ContainsKey(s))) Place(s.StartMs, Of(s));
        foreach (var c in contacts) Place(c.TsMs, Of(c));

        var phases = new List<JourneyPhase>();
        static List<Touchpoint> InTimeOrder(List<(long T, Touchpoint P)> list) => list.OrderBy(x => x.T).Select(x => x.P).ToList();
        for (var k = 0; k < ordered.Count; k++)
        {
            var (id, ts) = (ordered[k].OrderId, DateTimeOffset.FromUnixTimeMilliseconds(ordered[k].TsMs));
            if (pre[k].Count > 0) phases.Add(new JourneyPhase(PrePurchase, id, ts, InTimeOrder(pre[k])));
            phases.Add(new JourneyPhase(Transaction, id, ts, transactionSession[k] is { } s ? [Of(s)] : []));
            if (post[k].Count > 0) phases.Add(new JourneyPhase(PostPurchase, id, ts, InTimeOrder(post[k])));
        }
        if (open.Count > 0) phases.Add(new JourneyPhase(Open, null, null, InTimeOrder(open)));
        return phases;
    }

    static JourneySession? TransactionSession(JourneyOrder order, List<JourneySession> sessions, Dictionary<JourneySession, int> taken)
    {
        var free = sessions.Where(s => !taken.ContainsKey(s));
        if (order.PurchaseVisitor is { } vid && order.PurchaseMs is { } at)
            return free.FirstOrDefault(s => s.VisitorId == vid && s.StartMs <= at && at <= s.EndMs);
        // The CRM's time has whole seconds: the session holds the order when it overlaps that second.
        return free.FirstOrDefault(s => s.StartMs < order.TsMs + 1000 && s.EndMs >= order.TsMs);
    }

    static Touchpoint Of(JourneySession s) => new("session", DateTimeOffset.FromUnixTimeMilliseconds(s.StartMs), s.Channel,
        End: DateTimeOffset.FromUnixTimeMilliseconds(s.EndMs), VisitorId: s.VisitorId, Source: s.Source, Campaign: s.Campaign);

    static Touchpoint Of(JourneyContact c) => new("contact", DateTimeOffset.FromUnixTimeMilliseconds(c.TsMs), c.Channel,
        ContactId: c.ContactId, Kind: c.Kind);
}
