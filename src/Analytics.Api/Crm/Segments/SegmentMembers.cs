using Analytics.Customers;
using Analytics.Sessions;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Segments;

/// <summary>
/// A segment's members with their marketing consent (<see cref="SegmentSql.MembersWithConsent"/>) for the export and the
/// webhooks: a last-seen filter reads the devices' last events through the visitor hours where the days are stored
/// (<see cref="VisitorHours.DeviceTimesAsync"/>), not every event of the period.
/// </summary>
public sealed class SegmentMembers(VisitorHours visitorHours, IOptions<CustomerOptions> options)
{
    public async Task<Sql> WithConsentAsync(Site site, CustomerOrders orders, StoredDefinition definition, DateTimeOffset now, CancellationToken ct)
    {
        Sql? devices = null;
        if (definition.Filters.LastSeen is { } seen)
        {
            var (since, lower, before) = SegmentSql.LastSeenBounds(seen, now);
            devices = await visitorHours.DeviceTimesAsync(site.Id, since, [.. lower, .. before is { } b ? [b] : Array.Empty<long>()], ct);
        }
        return SegmentSql.MembersWithConsent(site, orders, definition, now, options.Value, devices);
    }
}
