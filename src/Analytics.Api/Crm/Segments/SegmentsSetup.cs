
namespace Analytics.Crm.Segments;

/// <summary>Segments' services (settings <c>Segments</c>) and routes; called from the RFM report's setup.</summary>
public static class SegmentsSetup
{
    public static void AddSegments(this IServiceCollection services)
    {
        services.AddOptions<SegmentOptions>().BindConfiguration("Segments")
            .Validate(o => o.WebhookIntervalSeconds >= 0, "Segments:WebhookIntervalSeconds must be 0 (off) or more.")
            .Validate(o => o.WebhookAttempts is >= 1 and <= 20, "Segments:WebhookAttempts must be 1 to 20.")
            .Validate(o => o.WebhookRetryDelayMs >= 0 && o.WebhookMaxDelayMs >= o.WebhookRetryDelayMs, "Segments:WebhookRetryDelayMs must be 0 to WebhookMaxDelayMs.")
            .Validate(o => o.WebhookTimeoutSeconds >= 1, "Segments:WebhookTimeoutSeconds must be positive.")
            .ValidateOnStart();
        services.AddHttpClient(SegmentWebhookRunner.HttpClientName);
        services.AddSingleton<SegmentStore>();
        services.AddSingleton<SegmentMembers>();
        services.AddSingleton<SegmentDeliveries>();
        services.AddSingleton<SegmentWebhookRunner>();
        services.AddHostedService<SegmentWebhookJob>();
    }
}
