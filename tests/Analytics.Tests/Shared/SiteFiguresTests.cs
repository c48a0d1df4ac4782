using Analytics.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Analytics.Tests.Shared;

/// <summary>The reuse rule of <see cref="SiteFigures{TKey,TValue}"/>: fresh, then stale while a new read runs, then waited for.</summary>
public sealed class SiteFiguresTests
{
    readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-11-30T12:00:00Z"));
    int reads;
    TaskCompletionSource<int>? pending;

    SiteFigures<string, int> Figures(TimeSpan maxAge) => new(() => maxAge, _ =>
    {
        var n = Interlocked.Increment(ref reads);
        return pending is { } p ? p.Task : Task.FromResult(n);
    }, clock);

    [Fact]
    public async Task A_fresh_entry_is_reused_and_keys_are_apart()
    {
        var figures = Figures(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await figures.GetAsync("a", default));
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, await figures.GetAsync("a", default));
        Assert.Equal(2, await figures.GetAsync("b", default));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task A_stale_entry_answers_at_once_while_one_new_read_runs_then_the_new_one_answers()
    {
        var figures = Figures(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await figures.GetAsync("a", default));
        clock.Advance(TimeSpan.FromMinutes(6));
        pending = new TaskCompletionSource<int>();
        Assert.Equal(1, await figures.GetAsync("a", default)); // stale, answered without waiting
        Assert.Equal(1, await figures.GetAsync("a", default)); // the read runs already: no second one
        await Eventually(() => reads == 2); // the new read starts on the thread pool
        pending.SetResult(42);
        await Eventually(async () => await figures.GetAsync("a", default) == 42);
        Assert.Equal(2, reads);
    }

    static async Task Eventually(Func<bool> condition) => await Eventually(() => Task.FromResult(condition()));

    static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var waited = 0; !await condition(); waited += 10)
        {
            Assert.True(waited < 5000, "the condition did not come true within 5 s");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task An_entry_older_than_twice_the_age_is_not_answered_the_caller_waits_for_the_new_read()
    {
        var figures = Figures(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await figures.GetAsync("a", default));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(2, await figures.GetAsync("a", default));
    }

    [Fact]
    public async Task Age_zero_reads_for_every_request()
    {
        var figures = Figures(TimeSpan.Zero);
        Assert.Equal(1, await figures.GetAsync("a", default));
        Assert.Equal(2, await figures.GetAsync("a", default));
    }

    [Fact]
    public async Task A_failed_read_is_not_kept()
    {
        var fail = true;
        var figures = new SiteFigures<string, int>(() => TimeSpan.FromMinutes(5),
            _ => fail ? Task.FromException<int>(new InvalidOperationException("down")) : Task.FromResult(7), clock);
        await Assert.ThrowsAsync<InvalidOperationException>(() => figures.GetAsync("a", default));
        fail = false;
        Assert.Equal(7, await figures.GetAsync("a", default));
    }
}
