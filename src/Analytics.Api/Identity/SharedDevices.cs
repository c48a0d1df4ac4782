using System.Text.Json.Serialization;
using Analytics.Reports.Filters;
using Analytics.Storage;

namespace Analytics.Identity;

/// <summary>
/// A site's shared devices (visitors linked to more than one customer), read once per report and named in its SQL
/// (<see cref="ReportScope.SharedDevices"/>, for the sessions' persons): the person joins then need no subquery for
/// them, and none of their part when there are none (<see cref="PersonSql.WithPerson"/>). ClickHouse 18.16 built that subquery's set for each
/// of its three occurrences and read every column of the source before the <c>IN</c> filtered it: 1.2 s of a
/// range's sessions with persons at 10 M events with no shared device at all (chDB: 0.1 s). A link written between
/// this read and the report's query counts from the next report on.
/// </summary>
public sealed class SharedDevices(IClickHouse clickHouse)
{
    /// <summary>More shared devices than this stay a subquery (the SQL would grow by their ids).</summary>
    public const int MaxNamed = 1000;

    /// <summary>The site's shared devices, ordered; null when there are more than <see cref="MaxNamed"/>.</summary>
    public async Task<IReadOnlyList<string>?> OfAsync(string siteId, CancellationToken ct)
    {
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT visitor_id FROM ({PersonSql.SharedVisitors(siteId)}) AS shared ORDER BY visitor_id LIMIT {MaxNamed + 1}
            """), SharedDevicesJson.Default.SharedDevice, ct);
        return rows.Count > MaxNamed ? null : rows.Select(r => r.VisitorId).ToList();
    }

    /// <summary>The scope with its site's shared devices named (<see cref="OfAsync"/>), for reports that resolve persons.</summary>
    public async Task<ReportScope> WithSharedDevicesAsync(ReportScope scope, CancellationToken ct) =>
        scope with { SharedDevices = await OfAsync(scope.Site.Id, ct) };
}

public sealed record SharedDevice(string VisitorId);

[JsonSerializable(typeof(SharedDevice))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class SharedDevicesJson : JsonSerializerContext;
