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

    /// <summary>
    /// An import's links, in frames of at most <see cref="Import.ImportSink.ChunkRows"/>; a full spool makes the
    /// import wait for the writer up to <paramref name="maxWait"/>, as its events do, then throws.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<IdentityLinkRow> links, TimeSpan maxWait, CancellationToken ct)
    {
        for (var offset = 0; offset < links.Count; offset += Import.ImportSink.ChunkRows)
        {
            var frame = links.Skip(offset).Take(Import.ImportSink.ChunkRows).ToList();
            var deadline = DateTime.UtcNow + maxWait;
            while (true)
            {
                try
                {
                    Append(frame);
                    break;
                }
                catch (SpoolFullException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, ct); // the link writer drains the spool into ClickHouse meanwhile
                }
            }
        }
    }

    /// <summary>Spools the links as one frame; throws <see cref="SpoolFullException"/> like the events' spool.</summary>
    public void Append(IReadOnlyList<IdentityLinkRow> links)
    {
        if (links.Count == 0) return;
        using var bytes = new RowBinaryWriter(links.Count * 128);
        var lengths = new int[links.Count];
        for (var i = 0; i < links.Count; i++)
        {
            var start = bytes.Length;
            IdentityLinks.Definition.Write(links[i], bytes);
            lengths[i] = bytes.Length - start;
        }
        spool.Append(bytes.WrittenSpan, lengths);
    }
}
