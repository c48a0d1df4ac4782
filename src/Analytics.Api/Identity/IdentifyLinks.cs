using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Identity;

/// <summary>
/// Identify events become identity links: collect and the events importer hand a batch's links to the link spool
/// as one frame, durable before their answer, like the events themselves.
/// </summary>
public sealed class IdentifyLinks([FromKeyedServices(IdentityLinks.SpoolKey)] Spool spool)
{
    /// <summary>
    /// The link an accepted event makes, or null. Only an identify with analytics consent and a visitor id the
    /// client sent (its consented cookie): a cookieless hash is derived server-side and never linked.
    /// </summary>
    public static IdentityLinkRow? FromEvent(RawEvent raw, EventRow row)
    {
        if (raw.Type != "identify" || !raw.ConsentAnalytics || string.IsNullOrEmpty(raw.Vid)) return null;
        if (row.Vid != raw.Vid || row.CustomerId.Length == 0) return null;
        return new IdentityLinkRow
        {
            LinkId = row.EventId, // one link per identify event: a retried frame or a replay is stored once
            SiteId = row.SiteId,
            VisitorId = row.Vid,
            CustomerId = row.CustomerId,
            LinkedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.TsMs),
            Source = IdentityLinks.FromIdentify,
        };
    }

    /// <summary>Spools the links as one frame; throws <see cref="SpoolFullException"/> like the events' spool.</summary>
    public void Append(IReadOnlyList<IdentityLinkRow> rows) => IdentityLinks.Definition.AppendFrame(spool, rows);

    /// <summary>An import's links, in frames; a full spool makes it wait for the writer up to <paramref name="maxWait"/>, then throws.</summary>
    public Task AppendAsync(IReadOnlyList<IdentityLinkRow> rows, TimeSpan maxWait, CancellationToken ct) => IdentityLinks.Definition.AppendFramesAsync(spool, rows, maxWait, ct);
}
