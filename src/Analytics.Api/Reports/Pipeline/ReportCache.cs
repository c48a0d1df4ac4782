using System.Collections.Concurrent;
using Mediator;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Analytics.Reports.Pipeline;

/// <summary>
/// Last behaviour before the handler: a report answer is kept for <see cref="ReportOptions.CacheSeconds"/> under
/// report + parameters + normalised scope (site, instants, sorted filters) + <see cref="DataVersion"/>. New data
/// changes the version, so a cached answer is never older than the data it was computed from.
/// </summary>
public sealed class ReportCaching<TMessage, TResponse>(ReportAnswerCache cache, DataVersion version, ReportMetrics metrics)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IReportRequest, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        if (!cache.Enabled || message is ILiveReport) return await next(message, ct);
        var key = $"{message.Report}|{message.Parameters}|{message.Scope().Key}|{await version.CurrentAsync(ct)}";
        if (cache.TryGet(key, out TResponse? answer))
        {
            metrics.CacheHits.Add();
            return answer!;
        }
        // The same question asked again while it is computed (a dashboard opened by several people) waits for that
        // one computation. It runs without the first caller's cancellation, so one caller leaving ends no other's wait.
        var computing = cache.Computing(key, () =>
        {
            metrics.CacheMisses.Add();
            return ComputeAsync(message, next, key);
        });
        return (TResponse)(await computing.WaitAsync(ct))!;
    }

    async Task<object?> ComputeAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, string key)
    {
        try
        {
            var answer = await next(message, CancellationToken.None);
            cache.Set(key, answer);
            return answer;
        }
        finally
        {
            cache.Computed(key);
        }
    }
}

/// <summary>The memory the report answers are kept in: bounded in entries, each for a short time.</summary>
public sealed class ReportAnswerCache(IOptions<ReportOptions> options) : IDisposable
{
    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = options.Value.CacheEntries });
    readonly ConcurrentDictionary<string, Lazy<Task<object?>>> computing = new(StringComparer.Ordinal);

    /// <summary>The computation of this key under way, or a new one started by <paramref name="start"/>.</summary>
    public Task<object?> Computing(string key, Func<Task<object?>> start) =>
        computing.GetOrAdd(key, _ => new Lazy<Task<object?>>(start)).Value;

    public void Computed(string key) => computing.TryRemove(key, out _);

    public bool Enabled => options.Value.CacheSeconds > 0;

    public bool TryGet<T>(string key, out T? value) => cache.TryGetValue(key, out value);

    public void Set<T>(string key, T value) =>
        cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(options.Value.CacheSeconds) });

    public void Dispose() => cache.Dispose();
}
