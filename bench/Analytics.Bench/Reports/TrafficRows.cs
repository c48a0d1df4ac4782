using Analytics.Demo;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Bench.Reports;

/// <summary>
/// The reports bench's sink for <see cref="ShopTrafficGenerator"/>: events inserted with RowBinary straight into
/// ClickHouse in inserts of about 100 000 rows (at a session's end), identity links at the end.
/// </summary>
sealed class TrafficRows(IClickHouse clickHouse, string siteId) : IShopTrafficSink, IDisposable
{
    const int RowsPerInsert = 100_000;
    readonly RowBinaryWriter events = new(64 << 20);
    readonly RowBinaryWriter links = new(4 << 20);
    long pending;

    public void Event(EventRow row)
    {
        row.Write(events);
        pending++;
    }

    public void Link(string vid, string customerId, long tsMs) => IdentityLinks.Definition.Write(new IdentityLinkRow
    {
        LinkId = Guid.CreateVersion7(), SiteId = siteId, VisitorId = vid, CustomerId = customerId,
        LinkedAt = DateTimeOffset.FromUnixTimeMilliseconds(tsMs), Source = IdentityLinks.FromIdentify,
    }, links);

    public async ValueTask SessionEndedAsync()
    {
        if (pending < RowsPerInsert) return;
        await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, events.Written);
        events.Clear();
        pending = 0;
    }

    /// <summary>Inserts the last events and every identity link.</summary>
    public async Task FlushAsync()
    {
        if (events.Length > 0) await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, events.Written);
        if (links.Length > 0) await clickHouse.InsertRowBinaryAsync(IdentityLinks.Definition.Name, IdentityLinks.Definition.ColumnNames, links.Written);
        events.Clear();
        links.Clear();
        pending = 0;
    }

    public void Dispose()
    {
        events.Dispose();
        links.Dispose();
    }
}
