using Analytics.Ingestion;

namespace Analytics.Sessions;

public static class SessionsSetup
{
    /// <summary>
    /// The session settings (section <c>Sessions</c>), the stored-sessions source every report and the 360-degree
    /// view read through, its refresh job, and the dirty marks the events writer writes before each insert.
    /// </summary>
    public static void AddSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionOptions>().BindConfiguration("Sessions")
            .Validate(o => o.Gap > TimeSpan.Zero, "Sessions:Gap must be a positive time span (e.g. 00:30:00).")
            .Validate(o => o.Tail >= o.Gap, "Sessions:Tail must be at least Sessions:Gap.")
            .Validate(o => o.RefreshInterval > TimeSpan.Zero, "Sessions:RefreshInterval must be a positive time span (e.g. 00:00:05).")
            .Validate(o => o.RefreshDelay >= TimeSpan.Zero, "Sessions:RefreshDelay must not be negative.")
            .Validate(o => o.MaxDaysPerRefresh >= 1, "Sessions:MaxDaysPerRefresh must be at least 1.")
            .Validate(o => o.MaxEventsPerRefresh >= 1, "Sessions:MaxEventsPerRefresh must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ISessionSource, StoredSessions>();
        builder.Services.AddSingleton<VisitorHours>();
        builder.Services.AddSingleton<SessionProductViews>();
        builder.Services.AddSingleton<SessionMetrics>();
        builder.Services.AddSingleton<SessionRefresh>();
        // Marks are written even with Sessions:Stored off, so that turning it on again refreshes what changed meanwhile.
        builder.Services.AddKeyedSingleton<ISpoolInsertHook, SessionDirtyMarks>(EventColumns.TableName);
        if (builder.Configuration.GetValue("Sessions:Stored", true)) builder.Services.AddHostedService<SessionRefreshService>();
    }
}
