using Analytics.Enrichment.Visitors;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Analytics.Tests.Enrichment;

/// <summary>
/// Cookieless salts are gone 48 h after their day began: at that moment while the service runs, and at start-up
/// after a downtime, before anything reads them. A clock the test moves (FakeTimeProvider) stands for the days.
/// </summary>
public sealed class SaltExpiryTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("salt-expiry-");
    readonly TimerCountingClock clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Counts the waits begun on it, so the test moves the clock only once the service waits for midnight.</summary>
    sealed class TimerCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        int timers;
        public int Timers => Volatile.Read(ref timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    public void Dispose() => dir.Delete(recursive: true);

    static DateOnly Day(int day) => new(2026, 3, day);

    [Fact]
    public void A_start_after_downtime_deletes_the_expired_salts_at_once()
    {
        foreach (var day in new[] { 10, 11, 12 })
        {
            clock.SetUtcNow(new DateTimeOffset(2026, 3, day, 9, 0, 0, TimeSpan.Zero));
            new DailySalts(dir.FullName, clock).Today();
        }
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 14, 0, 30, 0, TimeSpan.Zero)); // down since the 12th: 10th to 12th are 48 h+ old

        var restarted = new DailySalts(dir.FullName, clock);
        Assert.Empty(restarted.DaysOnDisk());
    }

    [Fact]
    public async Task A_running_service_deletes_a_salt_when_it_turns_48_hours_old()
    {
        var salts = new DailySalts(dir.FullName, clock);
        salts.Today();                                                  // 10 March
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 9, 0, 0, TimeSpan.Zero));
        salts.Today();                                                  // 11 March
        using var stop = new CancellationTokenSource();
        var expiry = salts.KeepDeletingExpiredAsync(stop.Token);
        Assert.Equal(1, clock.Timers);

        clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 23, 59, 59, TimeSpan.Zero));
        Assert.Contains(Day(10), salts.DaysOnDisk());
        clock.Advance(TimeSpan.FromSeconds(1));                         // 12 March 00:00: the 10th is 48 h old, no hash needed it
        await Eventually.UntilAsync(() => !salts.DaysOnDisk().Contains(Day(10)), TimeSpan.FromSeconds(10), "the 10 March salt to be deleted");
        Assert.Contains(Day(11), salts.DaysOnDisk());
        await Eventually.UntilAsync(() => clock.Timers == 2, TimeSpan.FromSeconds(10), "the wait for the next midnight");

        clock.Advance(TimeSpan.FromDays(1));                            // 13 March 00:00: the 11th goes too
        await Eventually.UntilAsync(() => !salts.DaysOnDisk().Contains(Day(11)), TimeSpan.FromSeconds(10), "the 11 March salt to be deleted");

        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => expiry);
    }
}
