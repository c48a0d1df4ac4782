using Analytics.Customers;

namespace Analytics.Tests.Customers;

/// <summary>The phase rules of <see cref="Journey"/> (DESIGN.md "Semantics"), on hand-made touchpoints.</summary>
public class JourneyTests
{
    static readonly long T0 = DateTimeOffset.Parse("2026-03-01T10:00:00Z").ToUnixTimeMilliseconds();
    const long Minute = 60_000, Day = 24 * 60 * Minute;
    static readonly TimeSpan Window = TimeSpan.FromDays(30);

    static JourneySession S(string vid, long start, long minutes = 10, string channel = "direct") => new(vid, start, start + minutes * Minute, channel, "", "");

    static List<(string Phase, string? Order, string Points)> Shape(List<JourneyPhase> phases) =>
        phases.Select(p => (p.Phase, p.OrderId, p.Touchpoints.Select(t => t.Type == "session" ? $"{t.VisitorId}@{t.Ts.ToUnixTimeMilliseconds()}" : t.ContactId!).Aggregate("", (a, b) => a.Length == 0 ? b : a + " " + b))).ToList();

    [Fact]
    public void Sessions_around_two_orders_fall_into_pre_transaction_post_and_open()
    {
        var order1 = T0 + 10 * Day;
        var order2 = T0 + 60 * Day;
        var before1 = S("phone", T0);
        var buy1 = S("laptop", order1 - 5 * Minute);                 // holds the purchase event of O1
        var after1 = S("phone", order1 + 3 * Day);                  // within 30 days: post-purchase of O1
        var lateAfter1 = S("laptop", order1 + 31 * Day);            // past the window, before O2: pre-purchase of O2
        var buy2 = S("phone", order2 - 20 * Minute, 30);             // CRM-only O2: the session holding its time
        var after2 = S("laptop", order2 + 29 * Day);
        var open = S("phone", order2 + 45 * Day);
        JourneyContact complaint = new("K1", order1 + 2 * Day, "phone", "complaint"), lateCall = new("K2", order2 + 40 * Day, "email", "service");
        JourneyOrder[] orders = [new("O2", order2), new("O1", order1, "laptop", order1 - 2 * Minute)];

        var phases = Journey.Phases([open, after2, buy2, lateAfter1, after1, buy1, before1], [lateCall, complaint], orders, Window);

        string P(JourneySession s) => $"{s.VisitorId}@{s.StartMs}";
        Assert.Equal(
        [
            ("pre_purchase", "O1", P(before1)), ("transaction", "O1", P(buy1)), ("post_purchase", "O1", "K1" + " " + P(after1)),
            ("pre_purchase", "O2", P(lateAfter1)), ("transaction", "O2", P(buy2)), ("post_purchase", "O2", P(after2)),
            ("open", null, "K2" + " " + P(open)),
        ], Shape(phases));
    }

    [Fact]
    public void A_session_after_an_order_but_inside_the_next_orders_transaction_session_is_that_transaction_not_post_purchase()
    {
        var order1 = T0;
        var order2 = T0 + 2 * Day;
        var buy2 = S("v", order2 - 30 * Minute, 40);
        var between = S("w", order1 + Day);
        var phases = Journey.Phases([buy2, between], [], [new("O1", order1), new("O2", order2, "v", order2)], Window);
        Assert.Equal(
        [
            ("transaction", "O1", ""), ("post_purchase", "O1", $"w@{between.StartMs}"), ("transaction", "O2", $"v@{buy2.StartMs}"),
        ], Shape(phases));
    }

    [Fact]
    public void The_purchase_event_names_the_transaction_session_of_its_visitor_only()
    {
        var order = T0 + Day;
        var otherDevice = S("tablet", order - 5 * Minute);            // same time, another device: not the transaction
        var purchaseDevice = S("phone", order - 8 * Minute);
        var phases = Journey.Phases([otherDevice, purchaseDevice], [], [new("O1", order + 60_000, "phone", order)], Window);
        Assert.Equal([("pre_purchase", "O1", $"tablet@{otherDevice.StartMs}"), ("transaction", "O1", $"phone@{purchaseDevice.StartMs}")], Shape(phases));
    }

    [Fact]
    public void Without_orders_everything_is_open_and_without_touchpoints_there_is_no_phase()
    {
        Assert.Equal([("open", null, "K")], Shape(Journey.Phases([], [new("K", T0, "chat", "sales")], [], Window)));
        Assert.Empty(Journey.Phases([], [], [], Window));
    }

    [Fact]
    public void A_touchpoint_exactly_at_the_end_of_the_window_is_post_purchase_and_one_ms_later_is_open()
    {
        var phases = Journey.Phases([S("v", T0 + 30 * Day), S("v", T0 + 30 * Day + 1)], [], [new("O1", T0)], Window);
        Assert.Equal([("transaction", "O1", ""), ("post_purchase", "O1", $"v@{T0 + 30 * Day}"), ("open", null, $"v@{T0 + 30 * Day + 1}")], Shape(phases));
    }
}

/// <summary>The CLV formulas of <see cref="Clv"/>.</summary>
public class ClvTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-30T00:00:00Z");

    [Fact]
    public void Predicted_value_is_average_order_times_orders_per_year_times_lifetime_with_the_margin_of_costed_orders()
    {
        OrderValue[] orders =
        [
            new(Now.AddDays(-2 * Clv.DaysPerYear), 100, 60, false), // two years ago
            new(Now.AddDays(-100), 200, null, false),
            new(Now.AddDays(-10), 0, null, true),                   // returned: no revenue, no order
            new(Now.AddDays(-5), 300, 150, false),
        ];
        var clv = Clv.Of(orders, Now, lifetimeYears: 3);
        Assert.Equal(600, clv.Historic);
        Assert.Equal(3, clv.Orders);
        Assert.Equal(200, clv.AverageOrderValue);
        Assert.Equal(1.5, clv.OrdersPerYear, 9);            // 3 orders over 2 years
        Assert.Equal(900, clv.Predicted, 9);                // 200 × 1.5 × 3
        Assert.Equal(900 * (40.0 + 150) / 400, clv.PredictedMargin!.Value, 9); // margin share of the costed orders
    }

    [Fact]
    public void A_customer_younger_than_a_year_counts_one_year_and_without_costs_has_no_margin()
    {
        var clv = Clv.Of([new(Now.AddDays(-30), 50, null, false), new(Now.AddDays(-1), 150, null, false)], Now, 3);
        Assert.Equal(2, clv.OrdersPerYear);
        Assert.Equal(600, clv.Predicted, 9);
        Assert.Null(clv.PredictedMargin);
        Assert.Equal(new Clv(0, 0, 0, 0, 0, null), Clv.Of([], Now, 3));
    }
}
