namespace Analytics.Privacy.Retention;

public static class RetentionSetup
{
    /// <summary>The hourly retention job (<see cref="RetentionService"/>) and the record of its runs.</summary>
    public static void AddPrivacyRetention(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RetentionRuns>();
        builder.Services.AddSingleton<RetentionJob>();
        builder.Services.AddHostedService<RetentionService>();
    }
}
