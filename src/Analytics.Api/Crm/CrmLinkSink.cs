using System.Runtime.InteropServices;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Crm;

/// <summary>
/// The identity links of a customer import (<c>visitor_ids</c>), handed to the link spool in frames, where the
/// link writer stores them in batches like events. A full spool makes the import wait for the writer (up to
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
    readonly RowBinaryWriter rows = new(FrameRows * 100);
    readonly List<int> lengths = new(FrameRows);

    public void Add(string siteId, string visitorId, string customerId, DateTimeOffset linkedAt)
    {
        var start = rows.Length;
        IdentityLinks.Definition.Write(new IdentityLinkRow
        {
            LinkId = Guid.CreateVersion7(), SiteId = siteId, VisitorId = visitorId, CustomerId = customerId,
            LinkedAt = linkedAt, Source = IdentityLinks.FromCrm,
        }, rows);
        lengths.Add(rows.Length - start);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
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
