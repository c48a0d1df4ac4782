using System.Collections.Concurrent;

namespace Analytics.Shared;

/// <summary>
/// Site-wide figures that one customer's answer needs (the A/B/C ranking, the RFM scores, the acquisition costs, the
/// baskets), read once by a query of seconds and reused. An entry is fresh for <c>maxAge</c>; for one more
/// <c>maxAge</c> it is still answered at once while one new read runs in the background, which answers once it has
/// arrived (stale while revalidating: in steady use only a key's first request waits for a read, and an answer lags
/// the data by at most 2 × <c>maxAge</c>). A <c>maxAge</c> of 0 reads for every request. Entries not asked for in
/// 4 × <c>maxAge</c> are dropped when the cache is full, and a failed read is not kept. Concurrent requests share
/// one read, which is not cancelled with a request (others may be waiting for it).
/// </summary>
public sealed class SiteFigures<TKey, TValue>(Func<TimeSpan> maxAge, Func<TKey, Task<TValue>> read, TimeProvider? time = null)
    where TKey : notnull
{
    sealed class Entry(DateTimeOffset readAt, Task<TValue> value)
    {
        public DateTimeOffset ReadAt { get; } = readAt;
        public Task<TValue> Value { get; } = value;
        public DateTimeOffset UsedAt { get; set; } = readAt;
        public Entry? Next { get; set; } // the read that replaces this entry, once started
    }

    const int MaxEntries = 256;
    readonly ConcurrentDictionary<TKey, Entry> entries = new();
    readonly TimeProvider clock = time ?? TimeProvider.System;
    readonly Lock gate = new();

    public Task<TValue> GetAsync(TKey key, CancellationToken ct)
    {
        var age = maxAge();
        if (age <= TimeSpan.Zero) return read(key).WaitAsync(ct); // no reuse: every request reads
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (entries.TryGetValue(key, out var entry) && Usable(entry.Value))
            {
                if (entry.Next is { Value.IsCompletedSuccessfully: true } arrived) entries[key] = entry = arrived;
                entry.UsedAt = now;
                if (now - entry.ReadAt < age) return entry.Value.WaitAsync(ct);
                if (entry.Next is null || !Usable(entry.Next.Value)) entry.Next = new Entry(now, Task.Run(() => read(key)));
                // Stale: served at once while its successor is read, up to one more maxAge; older, the caller waits.
                return now - entry.ReadAt < 2 * age && entry.Value.IsCompletedSuccessfully ? entry.Value : entry.Next.Value.WaitAsync(ct);
            }
            if (entries.Count >= MaxEntries)
                foreach (var old in entries.Where(e => now - e.Value.UsedAt >= 4 * age).Select(e => e.Key).ToList()) entries.TryRemove(old, out _);
            var fresh = new Entry(now, Task.Run(() => read(key)));
            entries[key] = fresh;
            return fresh.Value.WaitAsync(ct);
        }
    }

    /// <summary>Forgets every entry (tests, and after data of a site was erased).</summary>
    public void Clear() => entries.Clear();

    static bool Usable(Task<TValue> value) => !value.IsFaulted && !value.IsCanceled;
}
