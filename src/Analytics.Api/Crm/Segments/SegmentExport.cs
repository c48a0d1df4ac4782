using System.Text.Json.Serialization;
using Analytics.Customers;
using Analytics.Reports;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;

namespace Analytics.Crm.Segments;

/// <summary>
/// <c>GET /api/segments/{id}/customers</c>: the segment's members that have marketing consent, with their CRM email and
/// name; paged (<c>page</c>, <c>page_size</c>) as JSON, every one as CSV (<c>?format=csv</c>). A member without consent is
/// never listed: <c>held_back</c> (CSV: the <c>X-Held-Back</c> header) says how many.
/// </summary>
public static class SegmentExport
{
    public const int DefaultPageSize = 100, MaxPageSize = 1000;
    public const string HeldBackHeader = "X-Held-Back";

    public static async Task<IResult> HandleAsync(string id, HttpContext http, SegmentStore store, SiteAccess access, SiteStore sites, IClickHouse clickHouse,
        SegmentMembers segmentMembers, CustomerOrderSnapshots snapshots, CancellationToken ct)
    {
        if (await SegmentsApi.VisibleAsync(id, http, store, access, sites, ct) is not { } found) return SegmentsApi.Unknown(id);
        var problems = new List<IResult>();
        var page = CustomerQuery.Positive(http.Request, "page", 1, 1_000_000, problems);
        var size = CustomerQuery.Positive(http.Request, "page_size", DefaultPageSize, MaxPageSize, problems);
        var format = http.Request.Query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
            problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "format is json or csv.", "format"));
        if (problems.Count > 0) return problems[0];

        var orders = await snapshots.OfAsync(found.Site.Id, ct);
        var members = await segmentMembers.WithConsentAsync(found.Site, orders, found.Segment.Definition, DateTimeOffset.UtcNow, ct);
        var csv = format == "csv";
        // One statement: the members (the costly part) are computed once for both the counts and the page, whose ids
        // are sorted in one array and sliced; then the page's profiles. With none contactable, one row without an id.
        var ids = csv ? Sql.Query($"contactable") : Sql.Query($"arraySlice(contactable, {(long)(page!.Value - 1) * size!.Value + 1}, {size!.Value})");
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT members, held_back, customer_id, email, name
            FROM
            (
                SELECT members, held_back, customer_id
                FROM
                (
                    SELECT countIf(consented = 1) AS members, countIf(consented = 0) AS held_back,
                        arraySort(groupArrayIf(customer_id, consented = 1)) AS contactable
                    FROM ({members}) AS segment_members
                )
                LEFT ARRAY JOIN {ids} AS customer_id
            ) AS page_members
            ANY LEFT JOIN (SELECT customer_id, email, name FROM customers FINAL WHERE site_id = {found.Site.Id}) AS profiles USING customer_id
            ORDER BY customer_id
            """), SegmentExportJson.Default.MemberPageRow, ct);
        var (total, heldBack) = rows.Count == 0 ? (0L, 0L) : (rows[0].Members, rows[0].HeldBack);
        var customers = rows.Where(r => r.CustomerId.Length > 0).Select(r => new SegmentCustomer(r.CustomerId, r.Email, r.Name)).ToList();
        if (csv)
        {
            http.Response.Headers[HeldBackHeader] = heldBack.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var table = new CsvTable(["customer_id", "email", "name"], customers.Select(c => (IReadOnlyList<object>)[c.CustomerId, c.Email, c.Name]).ToList());
            return TypedResults.Text(table.Render(), "text/csv; charset=utf-8");
        }
        return TypedResults.Ok(new SegmentCustomers(found.Segment.Id, found.Segment.Name, total, heldBack, page!.Value, size!.Value, customers));
    }
}

public sealed record SegmentCustomer(string CustomerId, string Email, string Name);

/// <summary>A page of a segment's contactable members; <see cref="HeldBack"/>: members left out for want of marketing consent.</summary>
public sealed record SegmentCustomers(string SegmentId, string Name, long Total, long HeldBack, int Page, int PageSize, IReadOnlyList<SegmentCustomer> Customers);

public sealed record MemberPageRow(long Members, long HeldBack, string CustomerId, string Email, string Name);

[JsonSerializable(typeof(SegmentCustomer))]
[JsonSerializable(typeof(MemberPageRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class SegmentExportJson : JsonSerializerContext;
