using System.Runtime.InteropServices;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Crm;

/// <summary>
/// The identity links of a customer import (<c>visitor_ids</c>), handed to the link spool in frames, where the
/// link writer stores them in batches like events. A link already stored is not spooled again, so a nightly
/// re-import of the same customers does not grow the link table. A full spool makes the import wait for the writer (up to
/// <c>maxWait</c>) instead of failing it.
/// </summary>
public sealed class CrmLinkSink(Spool spool, TimeSpan maxWait) : IDisposable
{
    /// <summary>Opens a sink on the link spool per import.</summary>
    public sealed class Factory([FromKeyedServices(IdentityLinks.SpoolKey)] Spool spool)
    {
        public CrmLinkSink Open(TimeSpan maxWait) => new(spool, maxWait);
    }

    const int FrameRows = 1000;
    readonly List<(string SiteId, string VisitorId, string CustomerId, DateTimeOffset LinkedAt)> pending = [];
    readonly RowBinaryWriter rows = new(FrameRows * 100);
    readonly List<int> lengths = new(FrameRows);

    /// <summary>The customers of the links waiting, to look up which of their links are known already.</summary>
    public IEnumerable<string> CustomerIds => pending.Select(l => l.CustomerId).Distinct();

    public void Add(string siteId, string visitorId, string customerId, DateTimeOffset linkedAt) =>
        pending.Add((siteId, visitorId, customerId, linkedAt));

    /// <summary>Spools the links waiting, but those in <paramref name="known"/> and the repeats among them.</summary>
    public async ValueTask FlushAsync(HashSet<(string VisitorId, string CustomerId)> known, CancellationToken ct)
    {
        foreach (var link in pending)
        {
            if (!known.Add((link.VisitorId, link.CustomerId))) continue;
            var start = rows.Length;
            IdentityLinks.Definition.Write(new IdentityLinkRow
            {
                LinkId = Guid.CreateVersion7(), SiteId = link.SiteId, VisitorId = link.VisitorId, CustomerId = link.CustomerId,
                LinkedAt = link.LinkedAt, Source = IdentityLinks.FromCrm,
            }, rows);
            lengths.Add(rows.Length - start);
        }
        pending.Clear();
        var offset = 0;
        for (var index = 0; index < lengths.Count; index += FrameRows)
        {
            var count = Math.Min(FrameRows, lengths.Count - index);
            var bytes = 0;
            for (var i = index; i < index + count; i++) bytes += lengths[i];
            await AppendAsync(offset, bytes, index, count, ct);
            offset += bytes;
        }
        rows.Clear();
        lengths.Clear();
    }

    async ValueTask AppendAsync(int offset, int bytes, int index, int count, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + maxWait;
        while (true)
        {
            try
            {
                spool.Append(rows.WrittenSpan.Slice(offset, bytes), CollectionsMarshal.AsSpan(lengths).Slice(index, count));
                return;
            }
            catch (SpoolFullException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct); // the link writer drains the spool meanwhile
            }
        }
    }

    public void Dispose() => rows.Dispose();
}
