using Analytics.Reports.Filters;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Reports;

/// <summary>
/// Per session of a report's scope (<see cref="ReportSql.SessionsAsync"/>: starting in the range, holding a matching
/// event), the paths of ALL its pageviews in time order with consecutive repeats of one path collapsed into one
/// (<c>/a /a /b /a</c> reads <c>/a /b /a</c>): the sequence that transitions and paths walk. The filters select the
/// sessions; the pageviews of a selected session all count. Columns: <c>start_ms</c>, <c>pages</c>.
/// </summary>
public sealed class SessionPages(ReportSql sql, IOptions<Analytics.Sessions.SessionOptions> sessionOptions)
{
    /// <summary>A value no path has: the predecessor of a session's first pageview when repeats are collapsed.</summary>
    const string NoPath = "\u0001";

    public async ValueTask<Sql> SessionsAsync(ReportScope scope, CancellationToken ct)
    {
        // Paths and transitions count sessions: no person, no identity links read.
        var sessions = await sql.SessionsAsync(scope, ct, withoutPerson: true);
        var page = ReportDimensions.Find("page")!;
        // A session starting in the range has its pageviews up to the session tail past the range's end.
        var pageviewsEnd = scope.ToMs + (long)sessionOptions.Value.Tail.TotalMilliseconds;
        var pageviews = ReportSql.Events(scope with { Conditions = [] }, scope.FromMs, pageviewsEnd, page, page.Value, pageviewsOnly: true, withPerson: false);
        // Lambdas get the session's bounds as arrays, not captured: ClickHouse 18.16 loses a JOIN column only a lambda captures.
        return Sql.Query($"""
            SELECT start_ms, arrayFilter((p, q) -> p != q, session_paths, arrayPopBack(arrayPushFront(session_paths, {NoPath}))) AS pages
            FROM
            (
                SELECT start_ms,
                    arrayFilter((p, t, lo, hi) -> t >= lo AND t <= hi, visitor_paths, visitor_ms,
                        arrayResize(emptyArrayUInt64(), length(visitor_ms), toUInt64(start_ms)),
                        arrayResize(emptyArrayUInt64(), length(visitor_ms), toUInt64(end_ms))) AS session_paths
                FROM ({sessions}) AS page_sessions
                ANY LEFT JOIN
                (
                    SELECT vid AS visitor_id, arraySort(groupArray((ts_ms, value))) AS visitor_pageviews,
                        arrayMap(v -> v.1, visitor_pageviews) AS visitor_ms, arrayMap(v -> v.2, visitor_pageviews) AS visitor_paths
                    FROM ({pageviews})
                    GROUP BY vid
                ) AS visitor_pages USING visitor_id
            ) AS session_rows
            """);
    }
}
