namespace Analytics.Sessions;

public static class SessionsSetup
{
    /// <summary>The session settings (<c>Sessions:Gap</c>, <c>Sessions:Tail</c>) for the reports and the 360-degree view that build <see cref="SessionSql"/>.</summary>
    public static void AddSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionOptions>().BindConfiguration("Sessions")
            .Validate(o => o.Gap > TimeSpan.Zero, "Sessions:Gap must be a positive time span (e.g. 00:30:00).")
            .Validate(o => o.Tail >= o.Gap, "Sessions:Tail must be at least Sessions:Gap.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ISessionSource, QueryTimeSessions>();
    }
}
