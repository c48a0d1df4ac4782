using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sessions;

/// <summary>
/// Where reports and the 360-degree view read sessions from: a SELECT with the columns of <see cref="SessionSql.Build"/>
/// (one row per session, with its person), for the sessions of <paramref name="query"/>. Asynchronous because a source
/// may first ask the engine which days it can serve from stored sessions.
/// </summary>
public interface ISessionSource
{
    ValueTask<Sql> SessionsAsync(SessionQuery query, CancellationToken ct);

    /// <summary>
    /// Where the site's sessions stop being read as stored data: the start (Unix ms) of the first day computed from the
    /// events at query time; null when every day with events is served from storage, <see cref="long.MinValue"/> when
    /// none is. The sessions starting before it change only with the tables <c>sessions</c> and <c>session_days</c>, so
    /// something derived from them can be stored for as long as those are unchanged (<see cref="Crm.Value.FirstTouchSnapshots"/>).
    /// </summary>
    ValueTask<long?> QueryTimeFromAsync(string siteId, CancellationToken ct);
}

/// <summary>Sessions computed from the events at query time (<see cref="SessionSql"/>): exact, but slow over long ranges.</summary>
public sealed class QueryTimeSessions(IOptions<SessionOptions> options) : ISessionSource
{
    public ValueTask<Sql> SessionsAsync(SessionQuery query, CancellationToken ct) =>
        ValueTask.FromResult(SessionSql.Build(query, options.Value));

    public ValueTask<long?> QueryTimeFromAsync(string siteId, CancellationToken ct) => ValueTask.FromResult<long?>(long.MinValue);
}
