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

    /// <summary>
    /// The sessions of <paramref name="query"/> less some whole days that the caller answers from its own per-day rollup
    /// of the stored sessions: the candidates are the served UTC days wholly inside the range whose stored rows the query
    /// reads as they are (no visitor computed alone there, no visitor condition in the query), each with its generation;
    /// <paramref name="take"/> returns those it has a rollup of. Returns the days taken and the other sessions.
    /// </summary>
    ValueTask<SessionsLessDays> SessionsLessDaysAsync(SessionQuery query, DayTaker take, CancellationToken ct);
}

/// <summary>Of the candidate days (each with its generation), those the caller answers itself (<see cref="ISessionSource.SessionsLessDaysAsync"/>).</summary>
public delegate ValueTask<IReadOnlyCollection<DateOnly>> DayTaker(IReadOnlyDictionary<DateOnly, long> candidates, CancellationToken ct);

/// <summary>Days a caller answers from its rollup (with their generation), and the SELECT of the query's other sessions.</summary>
public sealed record SessionsLessDays(IReadOnlyDictionary<DateOnly, long> Taken, Sql Rest);

/// <summary>Sessions computed from the events at query time (<see cref="SessionSql"/>): exact, but slow over long ranges.</summary>
public sealed class QueryTimeSessions(IOptions<SessionOptions> options) : ISessionSource
{
    public ValueTask<Sql> SessionsAsync(SessionQuery query, CancellationToken ct) =>
        ValueTask.FromResult(SessionSql.Build(query, options.Value));

    public ValueTask<long?> QueryTimeFromAsync(string siteId, CancellationToken ct) => ValueTask.FromResult<long?>(long.MinValue);

    /// <summary>Nothing is stored, so no day is taken.</summary>
    public async ValueTask<SessionsLessDays> SessionsLessDaysAsync(SessionQuery query, DayTaker take, CancellationToken ct) =>
        new(new Dictionary<DateOnly, long>(), await SessionsAsync(query, ct));
}
