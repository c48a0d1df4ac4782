using System.ComponentModel.DataAnnotations;

namespace Analytics.Privacy.Retention;

/// <summary>The <c>Privacy</c> settings of the retention job (env <c>Privacy__RetentionIntervalSeconds</c> …).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Privacy";

    /// <summary>How often the sites' <c>retention_days</c> are enforced; tests set a few seconds.</summary>
    [Range(1, 7 * 24 * 3600)] public int RetentionIntervalSeconds { get; set; } = 3600;

    /// <summary>How long one table's delete mutation may take before the run fails (and the next run tries again).</summary>
    [Range(1, 24 * 3600)] public int RetentionMutationTimeoutSeconds { get; set; } = 1800;
}
