using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Auth;
using Analytics.Customers;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Segments;

/// <summary>Settings of segment webhooks (section <c>Segments</c>).</summary>
public sealed class SegmentOptions
{
    /// <summary>How often the background job runs every segment's webhook; 0 = never (runs only on request).</summary>
    public int WebhookIntervalSeconds { get; set; } = 3600;

    /// <summary>Attempts per delivery, the first included.</summary>
    public int WebhookAttempts { get; set; } = 5;

    /// <summary>The wait after the first failed attempt; each later wait doubles, up to <see cref="WebhookMaxDelayMs"/>.</summary>
    public int WebhookRetryDelayMs { get; set; } = 2000;

    public int WebhookMaxDelayMs { get; set; } = 300_000;

    public int WebhookTimeoutSeconds { get; set; } = 30;
}

/// <summary>What one run of a segment's webhook did.</summary>
public sealed record SegmentRun(string RunId, int Entered, int Left, long HeldBack, bool Sent, bool Delivered, int Attempts);

/// <summary>
/// One run of a segment's webhook: the members with marketing consent now against the state the last delivery left
/// (<c>segment_members</c>); those who entered and those who left are POSTed, signed
/// <c>X-Signature: sha256=hex(HMAC-SHA256(secret, body))</c>, retried with doubling waits; every attempt is logged
/// (<see cref="SegmentDeliveries"/>). Only a delivered change is stored, so a failed one is sent again next run and a
/// restart resends nothing delivered. A customer without consent is never in a body: one who lost it leaves the state
/// silently (and enters again, sent, once consent is back).
/// </summary>
public sealed class SegmentWebhookRunner(IClickHouse clickHouse, IHttpClientFactory httpClients, SegmentDeliveries deliveries,
    IOptions<SegmentOptions> settings, SegmentMembers segmentMembers, CustomerOrderSnapshots snapshots, ILogger<SegmentWebhookRunner> logger)
{
    public const string HttpClientName = "segment-webhooks";
    readonly ConcurrentDictionary<string, SemaphoreSlim> running = new(StringComparer.Ordinal);

    public async Task<SegmentRun> RunAsync(StoredSegment segment, Site site, CancellationToken ct)
    {
        var gate = running.GetOrAdd(segment.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try { return await RunOnceAsync(segment, site, ct); }
        finally { gate.Release(); }
    }

    async Task<SegmentRun> RunOnceAsync(StoredSegment segment, Site site, CancellationToken ct)
    {
        var runId = Guid.CreateVersion7().ToString("N");
        var orders = await snapshots.OfAsync(site.Id, ct);
        var withConsent = await segmentMembers.WithConsentAsync(site, orders, segment.Definition, DateTimeOffset.UtcNow, ct);
        var members = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT customer_id, consented, email, name
            FROM ({withConsent}) AS members
            ANY LEFT JOIN (SELECT customer_id, email, name FROM customers FINAL WHERE site_id = {site.Id}) AS profiles USING customer_id
            """), SegmentWebhookJson.Default.MemberRow, ct);
        var state = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT customer_id, toUInt8(customer_id IN (SELECT customer_id FROM ({SegmentSql.MarketingConsent(site.Id)}) WHERE granted = 1)) AS consented
            FROM segment_members FINAL
            WHERE site_id = {site.Id} AND segment_id = {segment.Id} AND member = 1
            """), SegmentWebhookJson.Default.StateRow, ct);

        var contactable = members.Where(m => m.Consented == 1).ToDictionary(m => m.CustomerId, StringComparer.Ordinal);
        var everyMember = members.Select(m => m.CustomerId).ToHashSet(StringComparer.Ordinal);
        var sent = state.Select(s => s.CustomerId).ToHashSet(StringComparer.Ordinal);
        var entered = contactable.Values.Where(m => !sent.Contains(m.CustomerId)).OrderBy(m => m.CustomerId, StringComparer.Ordinal).ToList();
        var removed = state.Where(s => !contactable.ContainsKey(s.CustomerId)).ToList();
        // Left and still consenting: sent. Still a member without consent, or left without consent: dropped silently.
        var left = removed.Where(s => s.Consented == 1 && !everyMember.Contains(s.CustomerId)).Select(s => s.CustomerId).Order(StringComparer.Ordinal).ToList();
        var heldBack = members.Count(m => m.Consented == 0);

        if (entered.Count == 0 && left.Count == 0)
        {
            await StoreAsync(site.Id, segment.Id, [], removed.Select(r => r.CustomerId), ct);
            return new SegmentRun(runId, 0, 0, heldBack, Sent: false, Delivered: false, Attempts: 0);
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookBody(segment.Id, segment.Name, site.Key, runId, DateTimeOffset.UtcNow,
            entered.Select(m => new WebhookCustomer(m.CustomerId, m.Email, m.Name)).ToList(), left.Select(id => new WebhookLeaver(id)).ToList(), heldBack),
            SegmentWebhookJson.Default.WebhookBody);
        var (delivered, attempts) = await DeliverAsync(segment, site, runId, body, entered.Count, left.Count, ct);
        if (delivered) await StoreAsync(site.Id, segment.Id, entered.Select(m => m.CustomerId), removed.Select(r => r.CustomerId), ct);
        return new SegmentRun(runId, entered.Count, left.Count, heldBack, Sent: true, delivered, attempts);
    }

    async Task<(bool Delivered, int Attempts)> DeliverAsync(StoredSegment segment, Site site, string runId, byte[] body, int entered, int left, CancellationToken ct)
    {
        var options = settings.Value;
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(segment.WebhookSecret), body));
        var client = httpClients.CreateClient(HttpClientName);
        client.Timeout = TimeSpan.FromSeconds(options.WebhookTimeoutSeconds);
        var delay = options.WebhookRetryDelayMs;
        for (var attempt = 1; ; attempt++)
        {
            int status = 0;
            string result;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, segment.WebhookUrl) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-Signature", signature);
                request.Headers.Add("X-Segment-Id", segment.Id);
                request.Headers.Add("X-Delivery-Id", runId);
                using var response = await client.SendAsync(request, ct);
                status = (int)response.StatusCode;
                result = response.IsSuccessStatusCode ? "delivered" : "failed";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                result = "error: " + e.Message;
            }
            await deliveries.LogAsync(new SegmentDelivery(runId, DateTimeOffset.UtcNow, attempt, status, result, entered, left), site.Id, segment.Id, ct);
            if (result == "delivered") return (true, attempt);
            logger.LogWarning("Segment {Segment} webhook attempt {Attempt} of {Attempts}: {Result} ({Status})", segment.Id, attempt, options.WebhookAttempts, result, status);
            if (attempt >= options.WebhookAttempts) return (false, attempt);
            await Task.Delay(delay, ct);
            delay = Math.Min(options.WebhookMaxDelayMs, delay * 2);
        }
    }

    /// <summary>Writes the delivered change into the state, in statements of at most 2000 rows (an INSERT stays small).</summary>
    async Task StoreAsync(string siteId, string segmentId, IEnumerable<string> entered, IEnumerable<string> removed, CancellationToken ct)
    {
        var rows = entered.Select(id => (Id: id, Member: 1)).Concat(removed.Select(id => (Id: id, Member: 0))).ToList();
        var version = ChangeVersion.Next();
        var now = DateTimeOffset.UtcNow;
        foreach (var chunk in rows.Chunk(2000))
        {
            var values = chunk.Select(r => Sql.Query($"({siteId}, {segmentId}, {r.Id}, {r.Member}, {now}, {version})"))
                .Aggregate((all, row) => Sql.Query($"{all}, {row}"));
            await clickHouse.ExecuteAsync(Sql.Query($"INSERT INTO segment_members (site_id, segment_id, customer_id, member, changed_at, version) VALUES {values}"), ct);
        }
    }
}

public sealed record MemberRow(string CustomerId, int Consented, string Email, string Name);
public sealed record StateRow(string CustomerId, int Consented);
public sealed record WebhookCustomer(string CustomerId, string Email, string Name);
public sealed record WebhookLeaver(string CustomerId);

/// <summary>The webhook's JSON: who entered (with the CRM's email and name) and who left since the last delivery.</summary>
public sealed record WebhookBody(string SegmentId, string Segment, string Site, string DeliveryId, DateTimeOffset SentAt,
    IReadOnlyList<WebhookCustomer> Entered, IReadOnlyList<WebhookLeaver> Left, long HeldBack);

[JsonSerializable(typeof(MemberRow))]
[JsonSerializable(typeof(StateRow))]
[JsonSerializable(typeof(WebhookBody))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class SegmentWebhookJson : JsonSerializerContext;
