using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Sessions;

/// <summary>Report tests' traffic as the service stores it: days marked for the session refresh, and a wait until it serves them.</summary>
public static class StoredTraffic
{
    /// <summary>Inserts events as the events writer does: their days marked for the session refresh first.</summary>
    public static async Task InsertMarkedAsync(IClickHouse clickHouse, IReadOnlyCollection<EventRow> events)
    {
        await new SessionDirtyMarks(clickHouse, Options.Create(new SessionOptions()))
            .MarkAsync(events.Select(e => (e.SiteId, e.TsMs, e.TsMs)), CancellationToken.None);
        await SessionData.InsertAsync(clickHouse, events);
    }

    /// <summary>Waits until every UTC day of <paramref name="events"/> is served from stored sessions with its visitor hours.</summary>
    public static async Task WaitUntilServedAsync(IClickHouse clickHouse, string siteId, IEnumerable<EventRow> events)
    {
        var days = events.Select(e => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(e.TsMs).UtcDateTime)).Distinct().ToList();
        await Eventually.UntilAsync(async () =>
        {
            var (served, _) = await StoredDays.ServedAsync(clickHouse, siteId, days.Min(), days.Max(), TimeSpan.Zero, CancellationToken.None);
            return days.All(d => served.TryGetValue(d, out var day) && day.Hours);
        }, TimeSpan.FromSeconds(60), "every day of the traffic refreshed with its visitor hours");
    }
}
