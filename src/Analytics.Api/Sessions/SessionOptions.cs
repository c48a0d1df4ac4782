namespace Analytics.Sessions;

/// <summary>Settings of the session model (section <c>Sessions</c>; DESIGN.md "Semantics", docs/sessions.md).</summary>
public sealed class SessionOptions
{
    /// <summary>More than this without an event starts a new session; exactly this is still the same session.</summary>
    public TimeSpan Gap { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How far past a range's end events are read so that sessions started in the range are whole: a session longer
    /// than this after the range's end is cut there (rare: the cookieless id already ends at the day boundary).
    /// </summary>
    public TimeSpan Tail { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Whether the refresh job runs and reports read stored sessions (off: every query computes them, as before).</summary>
    public bool Stored { get; set; } = true;

    /// <summary>How often the refresh job looks for dirty days.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Dirty marks younger than this are not refreshed yet, and a stored day with a mark this close to its refresh
    /// is computed at query time: it covers the time between a mark and its rows becoming visible, and leaves a
    /// day that keeps receiving events (today) to query time until it is quiet for this long.
    /// </summary>
    public TimeSpan RefreshDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Superseded generations are deleted once the newer one is this old (a report that read the old pointer has finished).</summary>
    public TimeSpan KeepSuperseded { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often old generations and processed marks are deleted.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// At most this many consecutive dirty days of a site computed by one INSERT … SELECT (a month).
    /// </summary>
    public int MaxDaysPerRefresh { get; set; } = 31;

    /// <summary>
    /// A run of days grows only while its events stay within this many (a day above it is a run alone): a 7-day insert
    /// of the first run at 10 M events (2.5 M events) outlasted the server client's 120 s timeout on the loaded
    /// machine, while a run per day of a small site spends its time on the statements' fixed cost, five per run.
    /// </summary>
    public long MaxEventsPerRefresh { get; set; } = 300_000;
}
