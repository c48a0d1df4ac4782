namespace Analytics.Enrichment.Channels;

/// <summary>The marketing channel of a visit (the `channel` column).</summary>
public enum Channel { Direct, OrganicSearch, PaidSearch, Social, PaidSocial, Email, Referral, Internal }

public static class ChannelNames
{
    /// <summary>The storage name: direct, organic_search, paid_search, social, paid_social, email, referral, internal.</summary>
    public static string ToStorageName(this Channel channel) => channel switch
    {
        Channel.Direct => "direct",
        Channel.OrganicSearch => "organic_search",
        Channel.PaidSearch => "paid_search",
        Channel.Social => "social",
        Channel.PaidSocial => "paid_social",
        Channel.Email => "email",
        Channel.Referral => "referral",
        Channel.Internal => "internal",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };
}

/// <summary>What kind of place a known source is. Unknown ones may still have a readable name ("Wikipedia").</summary>
public enum SourceKind { Unknown, Search, Social, Email, Advertising }

/// <summary>A readable source name and its kind, e.g. ("Google", Search).</summary>
public readonly record struct Source(string Name, SourceKind Kind)
{
    public static readonly Source None = new("", SourceKind.Unknown);
}

/// <summary>The classifier's answer: the channel and the readable source.</summary>
public readonly record struct ChannelResult(Channel Channel, string Source);
