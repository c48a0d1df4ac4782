using System.Text.Json;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Analytics.Ingestion;

/// <summary>
/// GET /api/events/recent?site=KEY&amp;limit=N (marketer, member of the site): the newest stored rows of a site, as ClickHouse holds
/// them. The "is my snippet working?" view of a site owner, and what end-to-end tests read back.
/// </summary>
public static class RecentEventsEndpoint
{
    public static async Task<Results<Ok<List<JsonElement>>, NotFound<string>>> Handle(string site, int? limit, SiteStore sites, IClickHouse clickHouse, CancellationToken ct)
    {
        if (sites.FindByKey(site) is not { } found) return TypedResults.NotFound($"No site has the key '{site}'.");
        var rows = Math.Clamp(limit ?? 100, 1, 1000);
        var events = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT {SelectList} FROM events WHERE site_id = {found.Id} ORDER BY ts_ms DESC LIMIT {rows}
            """), StorageJson.Default.JsonElement, ct);
        return TypedResults.Ok(events); // rows as ClickHouse wrote them, column names and all
    }

    /// <summary>Every column of <see cref="EventColumns"/> but the site (the caller names it); UUIDs as text.</summary>
    static readonly Sql SelectList = EventColumns.Definition.Columns
        .Where(c => c.Name != EventColumns.Definition.SiteColumn)
        .Select(c => c.Type == "UUID"
            ? Sql.Query($"toString({new SqlIdentifier(c.Name)}) AS {new SqlIdentifier(c.Name)}")
            : Sql.Query($"{new SqlIdentifier(c.Name)}"))
        .Aggregate((list, column) => Sql.Query($"{list}, {column}"));
}
