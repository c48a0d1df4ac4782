namespace Analytics.Auth;

/// <summary>
/// Versions for ReplacingMergeTree rows that a later change replaces (users, memberships): milliseconds since
/// the epoch, strictly increasing on this instance, so that an add and a remove in the same second keep their order.
/// </summary>
public static class ChangeVersion
{
    static long last;

    public static ulong Next()
    {
        while (true)
        {
            var seen = Interlocked.Read(ref last);
            var next = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), seen + 1);
            if (Interlocked.CompareExchange(ref last, next, seen) == seen) return (ulong)next;
        }
    }
}
