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
}
