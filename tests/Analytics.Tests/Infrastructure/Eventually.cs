using System.Diagnostics;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// Waits for a condition instead of sleeping for a time that "should be enough": polls until it holds, and past
/// the deadline fails with what was waited for.
/// </summary>
public static class Eventually
{
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string waitingFor) =>
        await UntilAsync(() => Task.FromResult(condition()), timeout, waitingFor);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string waitingFor)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {waitingFor}, in vain.");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>For synchronous tests: the same wait, blocking.</summary>
    public static void Until(Func<bool> condition, TimeSpan timeout, string waitingFor) =>
        UntilAsync(condition, timeout, waitingFor).GetAwaiter().GetResult();
}
