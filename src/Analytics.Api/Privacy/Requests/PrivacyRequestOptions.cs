namespace Analytics.Privacy.Requests;

/// <summary>Settings of the request runner (<c>Privacy:Requests</c>).</summary>
public sealed class PrivacyRequestOptions
{
    /// <summary>How often the runner looks for queued requests besides being woken by a new one.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an erasure waits for one table's mutations before it fails.</summary>
    public TimeSpan MutationTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A pause after each table's delete: spreads the mutations' rewrites on a busy server (0: none).</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.Zero;
}
