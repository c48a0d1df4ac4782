using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Customers;

/// <summary>GET /api/customers?site=KEY&amp;q=&amp;class=&amp;segment=&amp;page=&amp;page_size=: the customer list (docs/customers.md).</summary>
public static class CustomerListEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IClickHouse clickHouse, IOptions<CustomerOptions> settings, CancellationToken ct)
    {
        var options = settings.Value;
        var site = http.SiteOf().Id;
        var now = DateTimeOffset.UtcNow;
        var problems = new List<IResult>();
        var query = http.Request.Query;
        var page = CustomerQuery.Positive(http.Request, "page", 1, 1_000_000, problems);
        var size = CustomerQuery.Positive(http.Request, "page_size", 50, CustomerQuery.MaxPageSize, problems);
        var (from, to, _) = CustomerQuery.AbcPeriod(http.Request, options, now, problems);
        var prefix = query["q"].ToString().Trim();
        if (prefix.Length > 200) problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "must be at most 200 characters", "q"));
        var abcClass = query["class"].ToString().Trim().ToUpperInvariant();
        if (abcClass.Length > 0 && abcClass is not ("A" or "B" or "C"))
            problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "must be A, B or C", "class"));
        var segment = query["segment"].ToString();
        if (problems.Count > 0) return problems[0];

        var filter = new CustomerFilter(prefix.Length > 0 ? prefix : null, abcClass.Length > 0 ? abcClass : null, segment.Length > 0 ? segment : null);
        var rowsTask = clickHouse.QueryListAsync(CustomerListSql.Page(site, filter, from, to, options, page!.Value, size!.Value), CustomerRowsJson.Default.CustomerListRow, ct);
        var countTask = clickHouse.QueryFirstOrDefaultAsync(CustomerListSql.Count(site, filter, from, to, options), StorageJson.Default.CountRow, ct);
        await Task.WhenAll(rowsTask, countTask);
        var rows = rowsTask.Result;
        var lastSeen = rows.Count == 0 ? [] : (await clickHouse.QueryListAsync(CustomerListSql.LastSeen(site, rows.Select(r => r.CustomerId).ToList()),
            CustomerRowsJson.Default.LastSeenRow, ct)).ToDictionary(r => r.CustomerId, r => r.LastSeenMs);

        return TypedResults.Ok(new CustomerList(page.Value, size.Value, countTask.Result?.N ?? 0, rows.Select(r => new CustomerListItem(
            r.CustomerId, r.Name, r.Email, r.Segment, r.Class, r.Revenue, r.Orders,
            lastSeen.TryGetValue(r.CustomerId, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            r.Revenue, r.Orders == 0 ? 0 : Clv.PredictedOf(r.Revenue, DateTimeOffset.FromUnixTimeSeconds(r.FirstOrderS), now, options.LifetimeYears))).ToList()));
    }
}
