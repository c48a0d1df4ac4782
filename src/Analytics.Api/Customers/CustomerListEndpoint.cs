using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Customers;

/// <summary>
/// GET /api/customers?site=KEY&amp;q=&amp;class=&amp;segment=&amp;page=&amp;page_size=: the customer list (docs/customers.md).
/// The CRM's matching customers (one SQL) merged with the site's order totals and A/B/C ranking (each one SQL, kept for
/// <see cref="CustomerOptions.AbcCacheSeconds"/>), sorted and paged here; then last seen for the page's customers only.
/// </summary>
public static class CustomerListEndpoint
{
    sealed record Row(string CustomerId, string Name, string Email, string Segment, string Class, CustomerTotalRow? Totals)
    {
        public double Revenue => Totals?.Revenue ?? 0;
    }

    public static async Task<IResult> HandleAsync(HttpContext http, IClickHouse clickHouse, CustomerTotals totals, CustomerRankings rankings,
        IOptions<CustomerOptions> settings, CancellationToken ct)
    {
        var options = settings.Value;
        var site = http.SiteOf().Id;
        var now = DateTimeOffset.UtcNow;
        var problems = new List<IResult>();
        var query = http.Request.Query;
        var page = CustomerQuery.Positive(http.Request, "page", 1, 1_000_000, problems);
        var size = CustomerQuery.Positive(http.Request, "page_size", 50, CustomerQuery.MaxPageSize, problems);
        var (from, to, defaultPeriod) = CustomerQuery.AbcPeriod(http.Request, options, now, problems);
        var prefix = query["q"].ToString().Trim();
        if (prefix.Length > 200) problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "must be at most 200 characters", "q"));
        var abcClass = query["class"].ToString().Trim().ToUpperInvariant();
        if (abcClass.Length > 0 && abcClass is not ("A" or "B" or "C"))
            problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "must be A, B or C", "class"));
        var segment = query["segment"].ToString();
        if (problems.Count > 0) return problems[0];

        var filter = new CustomerFilter(prefix.Length > 0 ? prefix : null, abcClass.Length > 0 ? abcClass : null, segment.Length > 0 ? segment : null);
        var crmTask = clickHouse.QueryListAsync(CustomerListSql.CrmCustomers(site, filter), CustomerRowsJson.Default.CrmCustomerRow, ct);
        var totalsTask = totals.GetAsync(site, ct);
        var rankingTask = rankings.GetAsync(site, from, to, defaultPeriod, ct);
        await Task.WhenAll(crmTask, totalsTask, rankingTask);
        var (byCustomer, ranking) = (totalsTask.Result, rankingTask.Result.Abc);

        string ClassOf(string id) { var s = ranking.Standing(id); return AbcRule.ClassOf(s.Revenue, s.Above, s.Total, options); }
        var crm = crmTask.Result;
        var inCrm = crm.Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal);
        // Customers known only by their orders match on their id; a segment filter excludes them (they have none).
        var orderOnly = filter.Segment is not null ? [] : byCustomer.Values
            .Where(t => !inCrm.Contains(t.CustomerId) && (filter.Prefix is null || t.CustomerId.StartsWith(filter.Prefix, StringComparison.OrdinalIgnoreCase)))
            .Select(t => new Row(t.CustomerId, "", "", "", "", t));
        var rows = crm.Select(c => new Row(c.CustomerId, c.Name, c.Email, c.Segment, "", byCustomer.GetValueOrDefault(c.CustomerId)))
            .Concat(orderOnly)
            .Select(r => r with { Class = ClassOf(r.CustomerId) })
            .Where(r => filter.Class is null || r.Class == filter.Class)
            .OrderByDescending(r => r.Revenue).ThenBy(r => r.CustomerId, StringComparer.Ordinal)
            .ToList();
        var pageRows = rows.Skip((int)Math.Min(int.MaxValue, (long)(page!.Value - 1) * size!.Value)).Take(size!.Value).ToList();
        var lastSeen = pageRows.Count == 0 ? [] : (await clickHouse.QueryListAsync(CustomerListSql.LastSeen(site, pageRows.Select(r => r.CustomerId).ToList()),
            CustomerRowsJson.Default.LastSeenRow, ct)).ToDictionary(r => r.CustomerId, r => r.LastSeenMs);

        return TypedResults.Ok(new CustomerList(page.Value, size.Value, rows.Count, pageRows.Select(r => new CustomerListItem(
            r.CustomerId, r.Name, r.Email, r.Segment, r.Class, r.Revenue, r.Totals?.Orders ?? 0,
            lastSeen.TryGetValue(r.CustomerId, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            r.Revenue, r.Totals is { Orders: > 0 } t ? Clv.PredictedOf(t.Revenue, DateTimeOffset.FromUnixTimeSeconds(t.FirstOrderS), now, options.LifetimeYears) : 0)).ToList()));
    }
}
