using System.Net;
using Analytics.Enrichment.Visitors;
using Xunit;

namespace Analytics.Tests.Enrichment;

public sealed class VisitorHashTests : IDisposable
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    private static readonly IPAddress Ip = IPAddress.Parse("203.0.113.7");

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("salts-");
    private readonly ManualClock clock = new(new DateTimeOffset(2025, 3, 10, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void Same_visitor_same_site_same_day_gets_the_same_id()
    {
        var hash = new VisitorHash(new DailySalts(dir.FullName, clock));
        var morning = hash.Compute("site-a", Ip, Chrome);
        clock.Now = clock.Now.AddHours(15); // 23:00, same UTC day

        Assert.Equal(morning, hash.Compute("site-a", Ip, Chrome));
        Assert.Matches("^[0-9a-f]{16}$", morning);
        Assert.Equal(morning, hash.Compute("site-a", IPAddress.Parse("::ffff:203.0.113.7"), Chrome));
    }

    [Fact]
    public void Id_differs_across_sites_addresses_agents_and_days()
    {
        var hash = new VisitorHash(new DailySalts(dir.FullName, clock));
        var id = hash.Compute("site-a", Ip, Chrome);

        Assert.NotEqual(id, hash.Compute("site-b", Ip, Chrome));
        Assert.NotEqual(id, hash.Compute("site-a", IPAddress.Parse("203.0.113.8"), Chrome));
        Assert.NotEqual(id, hash.Compute("site-a", Ip, Chrome + " Edg/124.0"));
        clock.Now = clock.Now.AddDays(1);
        Assert.NotEqual(id, hash.Compute("site-a", Ip, Chrome));
    }

    [Fact]
    public void Salt_survives_a_restart_within_the_day()
    {
        var before = new VisitorHash(new DailySalts(dir.FullName, clock)).Compute("site-a", Ip, Chrome);
        var after = new VisitorHash(new DailySalts(dir.FullName, clock)).Compute("site-a", Ip, Chrome);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Yesterdays_id_is_available_until_its_salt_expires()
    {
        var salts = new DailySalts(dir.FullName, clock);
        var hash = new VisitorHash(salts);
        var monday = hash.Compute("site-a", Ip, Chrome);

        clock.Now = clock.Now.AddDays(1);
        Assert.Equal(monday, hash.ComputeYesterday("site-a", Ip, Chrome));
        Assert.NotEqual(monday, hash.Compute("site-a", Ip, Chrome));
    }

    [Fact]
    public void Salts_are_deleted_from_disk_and_memory_48_hours_after_their_day_began()
    {
        var salts = new DailySalts(dir.FullName, clock);
        var hash = new VisitorHash(salts);
        var day1 = new DateOnly(2025, 3, 10);
        hash.Compute("site-a", Ip, Chrome);                       // 10 March
        clock.Now = new DateTimeOffset(2025, 3, 11, 12, 0, 0, TimeSpan.Zero);
        hash.Compute("site-a", Ip, Chrome);                       // 11 March
        Assert.Equal([day1, day1.AddDays(1)], salts.DaysOnDisk());

        clock.Now = new DateTimeOffset(2025, 3, 11, 23, 59, 0, TimeSpan.Zero); // 10 March salt is 47:59 old
        salts.Rotate();
        Assert.Contains(day1, salts.DaysOnDisk());

        clock.Now = new DateTimeOffset(2025, 3, 12, 0, 0, 0, TimeSpan.Zero);   // exactly 48 h: gone
        salts.Rotate();
        Assert.Equal([day1.AddDays(1), day1.AddDays(2)], salts.DaysOnDisk());
        Assert.NotNull(salts.Yesterday());                        // 11 March is still kept

        clock.Now = new DateTimeOffset(2025, 3, 14, 1, 0, 0, TimeSpan.Zero);   // 11 and 12 March are 48 h+ old
        salts.Rotate();
        Assert.Equal([day1.AddDays(4)], salts.DaysOnDisk());
        Assert.Null(salts.Yesterday());                           // 13 March never had a salt
    }

    [Fact]
    public void A_fresh_process_does_not_load_an_expired_salt()
    {
        var salts = new DailySalts(dir.FullName, clock);
        salts.Today();
        clock.Now = clock.Now.AddDays(3);

        var later = new DailySalts(dir.FullName, clock);
        Assert.Null(later.Yesterday());
        Assert.Equal([DateOnly.FromDateTime(clock.Now.UtcDateTime)], later.DaysOnDisk());
    }

    [Fact]
    public void Concurrent_callers_on_a_new_day_share_one_salt()
    {
        var hash = new VisitorHash(new DailySalts(dir.FullName, clock));
        var ids = new string[64];
        Parallel.For(0, ids.Length, i => ids[i] = hash.Compute("site-a", Ip, Chrome));
        Assert.Single(ids.Distinct());
        Assert.Single(Directory.GetFiles(dir.FullName));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
