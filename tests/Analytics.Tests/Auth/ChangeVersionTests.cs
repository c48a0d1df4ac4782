using Analytics.Auth;

namespace Analytics.Tests.Auth;

public class ChangeVersionTests
{
    [Fact]
    public async Task Versions_taken_at_once_by_many_threads_are_all_different_and_close_to_the_clock()
    {
        var before = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var versions = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 10_000).Select(_ => ChangeVersion.Next()).ToList())));
        var all = versions.SelectMany(v => v).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(versions, v => Assert.Equal(v.Order(), v)); // increasing within each thread: a remove after an add wins
        Assert.True(all.Min() >= before);
    }
}
