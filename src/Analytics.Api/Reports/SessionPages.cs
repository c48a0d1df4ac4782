using Analytics.Reports.Filters;
using Analytics.Storage;

namespace Analytics.Reports;

/// <summary>
/// Per session of a report's scope (<see cref="ReportSql.SessionsAsync"/>: starting in the range, holding a matching
/// event), the paths of ALL its pageviews in time order with consecutive repeats of one path collapsed into one
/// (<c>/a /a /b /a</c> reads <c>/a /b /a</c>): the sequence that transitions and paths walk. The filters select the
/// sessions; the pageviews of a selected session all count. The sequence is the session's <c>page_sequence</c>
/// (<see cref="Analytics.Sessions.SessionSql.ValueColumns"/>: stored by the refresh, computed for the days it does not
/// serve), so no pageview of the range is matched to its session here. Columns: <c>start_ms</c>, <c>pages</c>.
/// </summary>
public sealed class SessionPages(ReportSql sql)
{
    /// <summary>A value no path has: the predecessor of a session's first pageview when repeats are collapsed.</summary>
    const string NoPath = "\u0001";

    public async ValueTask<Sql> SessionsAsync(ReportScope scope, CancellationToken ct)
    {
        // Paths and transitions count sessions: no person, no identity links read.
        var sessions = await sql.SessionsAsync(scope, ct, withoutPerson: true, withValues: true);
        return Sql.Query($"""
            SELECT start_ms, arrayFilter((p, q) -> p != q, page_sequence, arrayPopBack(arrayPushFront(page_sequence, {NoPath}))) AS pages
            FROM ({sessions}) AS page_sessions
            """);
    }
}
