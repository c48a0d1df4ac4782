using System.Globalization;
using Analytics.Privacy.Audit;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;

namespace Analytics.Privacy.Reads;

/// <summary>
/// GET /api/privacy/audit?site=KEY&amp;from=&amp;to=&amp;page=&amp;page_size=: the site's privacy audit log, newest first.
/// <c>from</c> and <c>to</c> are ISO 8601 times or dates (a date <c>to</c> includes its whole UTC day); by default the
/// last 30 days. Reading the log is itself audited (<c>audit.read</c>), after the read, so a page never shows its own read.
/// </summary>
public static class AuditLogApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public sealed record Who(string UserId, string Role);

    public sealed record What(string Action, string RequestId, string Subject);

    public sealed record Entry(string Id, DateTimeOffset At, Who Who, What What, string Result, string Detail);

    public sealed record AuditPage(string Site, DateTimeOffset From, DateTimeOffset To, int Page, int PageSize, long Total, IReadOnlyList<Entry> Entries);

    public static async Task<IResult> HandleAsync(HttpContext http, IClickHouse clickHouse, PrivacyAudit audit, TimeProvider time, CancellationToken ct)
    {
        var query = http.Request.Query;
        if (query["site"].ToString().Length == 0)
            return Problems.Field(StatusCodes.Status400BadRequest, "Missing site", "\"site\" must be the site key.", "site");
        var now = time.GetUtcNow();
        if (!TryTime(query["to"].ToString(), endOfDay: true, out var to)) return Invalid("to");
        to ??= DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + 1); // the log keeps whole seconds: this one included
        if (!TryTime(query["from"].ToString(), endOfDay: false, out var from)) return Invalid("from");
        from ??= to.Value.AddDays(-30);
        if (from > to) return Problems.Field(StatusCodes.Status400BadRequest, "Invalid period", "\"from\" must not be after \"to\".", "from");
        if (!TryInt(query["page"].ToString(), 1, 1, 1_000_000, out var page))
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "must be a whole number from 1 to 1000000", "page");
        if (!TryInt(query["page_size"].ToString(), DefaultPageSize, 1, MaxPageSize, out var size))
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", $"must be a whole number from 1 to {MaxPageSize}", "page_size");

        var site = http.SiteOf();
        var where = Sql.Query($"site_id = {site.Id} AND at >= {from.Value} AND at < {to.Value}");
        var total = (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM privacy_audit WHERE {where}"),
            StorageJson.Default.CountRow, ct))?.N ?? 0;
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(audit_id) AS audit_id, toUnixTimestamp(at) AS at_s, user_id, role, action, request_id, subject, result, detail
            FROM privacy_audit WHERE {where}
            ORDER BY at DESC, audit_id DESC
            LIMIT {(long)(page - 1) * size}, {size}
            """), PrivacyReadsJson.Default.AuditRow, ct);

        await audit.RecordAsync(http.User, new AuditEntry(site.Id, "audit.read", "ok",
            Detail: $"from {from.Value.ToUnixTimeSeconds()} to {to.Value.ToUnixTimeSeconds()}, page {page}, entries: {rows.Count}"), ct);
        return TypedResults.Ok(new AuditPage(site.Key, from.Value, to.Value, page, size, total, rows.Select(r => new Entry(r.AuditId,
            DateTimeOffset.FromUnixTimeSeconds(r.AtS), new Who(r.UserId, r.Role), new What(r.Action, r.RequestId, r.Subject), r.Result, r.Detail)).ToList()));
    }

    static IResult Invalid(string field) =>
        Problems.Field(StatusCodes.Status400BadRequest, "Invalid time", $"\"{field}\" must be an ISO 8601 date (2026-11-30) or time (2026-11-30T12:00:00Z).", field);

    /// <summary>Empty: null (the default applies). A date alone is its UTC midnight, or for the end of a period the next one.</summary>
    internal static bool TryTime(string text, bool endOfDay, out DateTimeOffset? value)
    {
        value = null;
        if (text.Length == 0) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            value = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(endOfDay ? 1 : 0);
            return true;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            || at.Year is < 1971 or > 2105) return false; // outside ClickHouse's DateTime
        value = at;
        return true;
    }

    static bool TryInt(string text, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (text.Length == 0) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
