using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// Concurrent senders of numbered batches to /api/collect. Every event carries a unique title, and the titles of
/// every batch answered 202 are kept: those are the events the service promised to store.
/// </summary>
public sealed class LoadGenerator(string baseUrl, string site, string domain, int eventsPerBatch = 20)
{
    readonly ConcurrentBag<string> acknowledged = new();
    readonly ConcurrentDictionary<int, int> statuses = new();
    int nextBatch;

    public IReadOnlyCollection<string> Acknowledged => acknowledged;
    public IReadOnlyDictionary<int, int> Statuses => statuses;

    /// <summary>Sends until <paramref name="stop"/> is cancelled or <paramref name="maxBatches"/> batches went out.</summary>
    public Task RunAsync(int senders, int maxBatches, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(() => SendLoopAsync(maxBatches, stop))));

    async Task SendLoopAsync(int maxBatches, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
        while (!stop.IsCancellationRequested)
        {
            var batch = Interlocked.Increment(ref nextBatch);
            if (batch > maxBatches) return;
            var titles = Enumerable.Range(0, eventsPerBatch).Select(i => $"b{batch}-e{i}").ToArray();
            var body = new StringBuilder("{\"site\":\"").Append(site).Append("\",\"events\":[");
            for (var i = 0; i < titles.Length; i++)
                body.Append(i == 0 ? "" : ",").Append("{\"type\":\"pageview\",\"url\":\"https://").Append(domain).Append("/p/").Append(i)
                    .Append("\",\"title\":\"").Append(titles[i]).Append("\"}");
            body.Append("]}");
            try
            {
                using var response = await http.PostAsync("/api/collect", new StringContent(body.ToString(), Encoding.UTF8, "application/json"), CancellationToken.None);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.Accepted)
                    foreach (var title in titles) acknowledged.Add(title);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The service is down (killed on purpose): not acknowledged, so not promised.
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }
}
