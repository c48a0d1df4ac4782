using Analytics.Customers;

namespace Analytics.Tests.Customers;

/// <summary>
/// The view's one read of the devices' events, taken apart in C#: the person rule (PersonSql's, here on a few devices'
/// links), the customer's own events on a shared device, the first purchase of each order, answers and products.
/// The view's integration tests (CustomerViewTests and the survey and recommendation view tests) check the same
/// against both engines.
/// </summary>
public sealed class DeviceEventsTests
{
    [Fact]
    public void A_device_belongs_to_its_latest_link_at_or_before_the_time_else_to_its_earliest_and_ties_go_by_customer_id()
    {
        var persons = new Persons(
        [
            new("shared", "C2", 2_000),
            new("shared", "C1", 1_000),
            new("shared", "C4", 3_000), // same time as C3: ordered by customer id, so C4 is the latest at 3 000
            new("shared", "C3", 3_000),
            new("own", "C1", 5_000),
        ]);

        Assert.Equal("C1", persons.At("shared", 0)); // before every link: the earliest
        Assert.Equal("C1", persons.At("shared", 1_000));
        Assert.Equal("C1", persons.At("shared", 1_999));
        Assert.Equal("C2", persons.At("shared", 2_000));
        Assert.Equal("C4", persons.At("shared", 3_000));
        Assert.Equal("C4", persons.At("shared", 9_000));
        Assert.Equal("C1", persons.At("own", 100)); // retroactive: before its only link
        Assert.Equal("anonymous", persons.At("anonymous", 100)); // never linked: its own person
        Assert.False(persons.OnlyOf("C1"));
        Assert.True(new Persons([new("own", "C1", 5_000), new("laptop", "C1", 6_000)]).OnlyOf("C1"));
    }

    [Fact]
    public void The_customer_gets_its_own_non_bot_events_purchases_keep_their_owner_and_answers_and_products_come_from_the_same_rows()
    {
        DeviceLinkRow[] links = [new("pc", "C1", 10_000), new("pc", "C2", 20_000)];
        DeviceEventRow[] rows =
        [
            Event("e1", 5_000, "pageview", "pc"),                                  // before any link: C1's (earliest)
            Event("e2", 15_000, "purchase", "pc", order: "O1", items: ["A", "B"]), // C1's
            Event("e3", 16_000, "purchase", "pc", order: "O1", items: ["Z"]),      // the same order again: not its first event
            Event("e4", 25_000, "purchase", "pc", order: "O2", items: ["C"]),      // C2's
            Event("e5", 26_000, "purchase", "pc", order: "O3", customer: "C1"),    // names its customer: C1's order, C2's event
            Event("e6", 12_000, "product_view", "pc", product: "A"),
            Event("e7", 14_000, "product_view", "pc", product: "B"),
            Event("e8", 13_000, "product_view", "pc", product: "A", bot: 1),        // a bot: no product, no timeline
            Event("e9", 17_000, "survey_answer", "pc", score: "9"),
            Event("ea", 27_000, "rating", "pc", stars: "5"),                        // C2's
            Event("eb", 17_000, "pageview", "pc"),                                  // same time as e9: ties by event id, descending
        ];
        var events = new DeviceEvents(rows, new Persons(links));

        Assert.Equal(["eb", "e9", "e3", "e2", "e7", "e6", "e1"], events.Newest("C1", 10).Select(e => e.EventId));
        Assert.Equal(["eb", "e9"], events.Newest("C1", 2).Select(e => e.EventId));
        Assert.Equal(7, events.Count("C1"));
        Assert.Equal(3, events.Count("C2"));

        var purchases = events.Purchases().OrderBy(p => p.OrderId).ToList();
        Assert.Equal(["O1", "O2", "O3"], purchases.Select(p => p.OrderId));
        Assert.Equal((15_000L, 15L, "C1"), (purchases[0].PurchaseMs, purchases[0].TsS, purchases[0].Owner));
        Assert.Equal("C2", purchases[1].Owner);
        Assert.Equal("C1", purchases[2].Owner);

        Assert.Equal(["A", "B"], events.ItemSkus(new HashSet<string> { "O1" }));
        Assert.Equal(["B", "A"], events.Viewed()); // latest viewed first; the bot's view does not count
        Assert.Equal(["e9"], events.Answers("C1", 10).Select(a => a.EventId));
        Assert.Equal(["ea"], events.Answers("C2", 10).Select(a => a.EventId));
    }

    static DeviceEventRow Event(string id, long tsMs, string type, string vid, string order = "", string customer = "", List<string>? items = null,
        string product = "", string score = "", string stars = "", int bot = 0) =>
        new(id, tsMs, tsMs / 1000, type, "", "/", vid, "direct", "", order, type == "purchase" ? 10 : 0, "EUR", customer, bot,
            "", "", score, "", "", stars, items ?? [], product);
}
