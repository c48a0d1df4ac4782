using System.Collections.Concurrent;

namespace Analytics.Enrichment;

/// <summary>A thread-safe cache of at most about <c>capacity</c> entries with CLOCK (second chance) eviction.</summary>
/// <remarks>
/// A hit is one dictionary lookup and, the first time after a sweep, one flag write. When an insert finds the
/// cache full, one thread sweeps: entries used since the last sweep get a second chance, the others go, until
/// a tenth of the capacity is free. Values must be immutable: two threads may compute the same missing value,
/// and the second insert simply loses.
/// </remarks>
public sealed class BoundedCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> entries;
    private readonly int capacity;
    private readonly Lock sweepLock = new();
    private int count;

    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
        entries = new ConcurrentDictionary<TKey, Entry>(comparer);
    }

    public int Count => Volatile.Read(ref count);

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        if (entries.TryGetValue(key, out var hit))
        {
            if (hit.Used == 0) hit.Used = 1;
            return hit.Value;
        }

        var value = create(key);
        if (Volatile.Read(ref count) >= capacity) Sweep();
        if (entries.TryAdd(key, new Entry(value))) Interlocked.Increment(ref count);
        return value;
    }

    private void Sweep()
    {
        if (!sweepLock.TryEnter()) return; // another thread is already making room
        try
        {
            var target = capacity - Math.Max(1, capacity / 10);
            // Two rounds at most: the first clears the flags it spares, so the second can always evict.
            for (var round = 0; round < 2 && Volatile.Read(ref count) > target; round++)
            {
                foreach (var (key, entry) in entries)
                {
                    if (Volatile.Read(ref count) <= target) break;
                    if (entry.Used != 0) { entry.Used = 0; continue; }
                    if (entries.TryRemove(key, out _)) Interlocked.Decrement(ref count);
                }
            }
        }
        finally
        {
            sweepLock.Exit();
        }
    }

    private sealed class Entry(TValue value)
    {
        public readonly TValue Value = value;
        public volatile int Used;
    }
}
