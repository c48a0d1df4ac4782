using Analytics.Reports.Filters;
using Analytics.Sessions;
using Analytics.Sites;
using Analytics.Storage;

namespace Analytics.Crm.Value;

/// <summary>
/// The value of one customer over all time, for the 360-degree view: the row of <see cref="ValueSql"/> with the range
/// covering every order and contact (so the acquisition cost always counts). The acquisition share needs the other
/// customers acquired in the same month, so it reads the site's orders like the report does.
/// </summary>
public sealed class CustomerValueReader(IClickHouse clickHouse, ISessionSource sessions)
{
    public async Task<CustomerValueRow?> ReadAsync(Site site, string customerId, CancellationToken ct)
    {
        var allSessions = await sessions.SessionsAsync(new SessionQuery(site.Id), ct);
        var (from, to) = (DateTimeOffset.UnixEpoch, DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue));
        var rows = ValueSql.Customers(site.Id, from, to, ReportTimeZone.Find(site.TimeZone), allSessions);
        var row = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT toUInt64(1) AS customers, toUInt64(acquired) AS new_customers, orders AS total_orders, revenue AS total_revenue,
                cost_of_goods AS total_cost_of_goods, revenue_without_cost AS total_revenue_without_cost, acquisition_cost AS total_acquisition_cost,
                contacts AS total_contacts, complaints AS total_complaints, service_cost AS total_service_cost,
                customer_id, first_order_s, acquired, channel, campaign, orders, revenue, cost_of_goods, revenue_without_cost, acquisition_cost,
                contacts, complaints, service_cost
            FROM ({rows}) AS value_rows
            WHERE customer_id = {customerId}
            """), ValueRows.Default.ValuePageRow, ct);
        return row is null ? null : ValueHandler.Customer(row);
    }
}
