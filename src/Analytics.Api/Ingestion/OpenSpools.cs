namespace Analytics.Ingestion;

/// <summary>Every spool the service opened (one per spooled table), so that <see cref="SpoolFsync"/> flushes them all.</summary>
public sealed class OpenSpools
{
    readonly List<Spool> spools = [];

    public void Add(Spool spool)
    {
        lock (spools) spools.Add(spool);
    }

    public Spool[] All
    {
        get { lock (spools) return [.. spools]; }
    }
}
