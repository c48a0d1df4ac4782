using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Reports;
using static Analytics.Tests.Crm.SegmentTestData;

namespace Analytics.Tests.Crm;

/// <summary>
/// Marketing consent (the newest of the latest proof of a linked device and the CRM flag; nothing = no consent) in the
/// export and the webhook, and the webhook's delivery against a local receiver: signed, retried, logged, never resent.
/// </summary>
public abstract class SegmentWebhookTests(SegmentApi api)
{
    const string Secret = "a-test-secret-of-some-length";

    /// <summary>
    /// Six customers, the consent of each decided by a different pair: proof newer than the CRM flag and the other way
    /// round, both ways each; no record at all; a proof only. Consenting: K3, K4, K6.
    /// </summary>
    static async Task ConsentCasesAsync(SegmentApi api, string site, DateTimeOffset now, string segment = "")
    {
        DateTimeOffset older = now.AddDays(-40), newer = now.AddDays(-20);
        await CustomerAsync(api, site, "K1", true, older, segment); await ProofAsync(api, site, "v-K1", newer, marketing: false);
        await CustomerAsync(api, site, "K2", false, newer, segment); await ProofAsync(api, site, "v-K2", older, marketing: true);
        await CustomerAsync(api, site, "K3", false, older, segment); await ProofAsync(api, site, "v-K3", newer, marketing: true);
        await CustomerAsync(api, site, "K4", true, newer, segment); await ProofAsync(api, site, "v-K4", older, marketing: false);
        await CustomerAsync(api, site, "K5", null, now, segment);
        await CustomerAsync(api, site, "K6", null, now, segment); await ProofAsync(api, site, "v-K6", older, marketing: true);
        foreach (var id in new[] { "K1", "K2", "K3", "K4", "K5", "K6" })
        {
            await LinkAsync(api, site, id, now.AddDays(-60));
            await PageviewAsync(api, site, "v-" + id, now.AddDays(-5));
        }
    }

    static readonly string[] NoConsent = ["K1", "K2", "K5"];

    [Fact]
    public async Task Consent_is_the_newest_of_proof_and_crm_flag_and_no_record_is_none_in_json_and_csv()
    {
        var (key, site) = await AudienceReportsTests.BerlinSiteAsync(api, "consent-export");
        await ConsentCasesAsync(api, site, DateTimeOffset.UtcNow);
        var id = await CreateAsync(api, key, new { name = "everyone" });
        var (ids, heldBack, _) = await MembersAsync(api, id);
        Assert.Equal(["K3", "K4", "K6"], ids);
        Assert.Equal(3, heldBack);
        var csv = await api.Admin().GetAsync($"/api/segments/{id}/customers?format=csv");
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Equal("3", csv.Headers.GetValues("X-Held-Back").Single());
        Assert.All(NoConsent, k => Assert.DoesNotContain(k, text));
        Assert.Contains("k3@example.com", text);
    }

    /// <summary>A local HTTP receiver answering the given statuses in turn (200 once they are used up), keeping every request.</summary>
    sealed class Receiver : IDisposable
    {
        readonly HttpListener listener = new();
        readonly ConcurrentQueue<int> statuses;
        public ConcurrentQueue<(byte[] Body, string? Signature)> Requests { get; } = new();
        public string Url { get; }

        public Receiver(params int[] statuses)
        {
            this.statuses = new ConcurrentQueue<int>(statuses);
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/hook/";
            listener.Prefixes.Add(Url);
            listener.Start();
            _ = Task.Run(LoopAsync);
        }

        async Task LoopAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (HttpListenerException) { return; } // stopped
                catch (ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                Requests.Enqueue((body.ToArray(), context.Request.Headers["X-Signature"]));
                context.Response.StatusCode = statuses.TryDequeue(out var status) ? status : 200;
                context.Response.Close();
            }
        }

        public void Dispose() => listener.Close();
    }

    static async Task<JsonElement> RunAsync(SegmentApi api, string id)
    {
        var response = await api.Admin().PostAsync($"/api/segments/{id}/run", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    static List<string> Ids(JsonElement body, string list) =>
        body.GetProperty(list).EnumerateArray().Select(c => c.GetProperty("customer_id").GetString()!).ToList();

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_one_signed_change_logged_three_times_and_later_runs_send_only_what_changed()
    {
        using var receiver = new Receiver(500, 503);
        var (key, site) = await AudienceReportsTests.BerlinSiteAsync(api, "webhook");
        var now = DateTimeOffset.UtcNow;
        await ConsentCasesAsync(api, site, now, segment: "vip");
        var id = await CreateAsync(api, key, new { name = "vip", filters = new { events = new[] { "crm_segment:is:vip" } }, webhook = new { url = receiver.Url, secret = Secret } });

        var run = await RunAsync(api, id);
        Assert.Equal((true, true, 3, 3, 0, 3), (run.GetProperty("sent").GetBoolean(), run.GetProperty("delivered").GetBoolean(), run.GetProperty("attempts").GetInt32(),
            run.GetProperty("entered").GetInt32(), run.GetProperty("left").GetInt32(), run.GetProperty("held_back").GetInt32()));
        var requests = receiver.Requests.ToList();
        Assert.Equal(3, requests.Count);
        foreach (var (body, signature) in requests)
        {
            Assert.Equal(requests[0].Body, body); // the same change each attempt
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)), signature);
        }
        var first = JsonDocument.Parse(requests[0].Body).RootElement;
        Assert.Equal(["K3", "K4", "K6"], Ids(first, "entered"));
        Assert.Empty(Ids(first, "left"));
        Assert.Equal("k4@example.com", first.GetProperty("entered")[1].GetProperty("email").GetString());
        Assert.All(NoConsent, k => Assert.DoesNotContain(k, Encoding.UTF8.GetString(requests[0].Body)));

        var log = (await AudienceReportsTests.GetAsync(api, $"/api/segments/{id}/deliveries")).EnumerateArray().Reverse().ToList();
        Assert.Equal([(1, 500), (2, 503), (3, 200)], log.Select(d => (d.GetProperty("attempt").GetInt32(), d.GetProperty("status_code").GetInt32())));
        Assert.Equal(["failed", "failed", "delivered"], log.Select(d => d.GetProperty("result").GetString()));
        Assert.Single(log.Select(d => d.GetProperty("delivery_id").GetString()).Distinct());

        // Nothing changed: nothing sent, the stored state says so (the runner keeps none in memory).
        Assert.False((await RunAsync(api, id)).GetProperty("sent").GetBoolean());
        Assert.Equal(3, receiver.Requests.Count);

        // K3 withdraws (a newer proof), K4 leaves the CRM segment, K7 joins it with consent.
        await ProofAsync(api, site, "v-K3", now.AddMinutes(-1), marketing: false);
        await CustomerAsync(api, site, "K4", true, now.AddDays(-20), segment: "basic", version: 2);
        await CustomerAsync(api, site, "K7", true, now.AddDays(-1), segment: "vip");
        await LinkAsync(api, site, "K7", now.AddDays(-2));
        await PageviewAsync(api, site, "v-K7", now.AddDays(-1));
        var second = await RunAsync(api, id);
        Assert.Equal((1, 1, 1), (second.GetProperty("entered").GetInt32(), second.GetProperty("left").GetInt32(), second.GetProperty("attempts").GetInt32()));
        var change = receiver.Requests.Last();
        var body2 = JsonDocument.Parse(change.Body).RootElement;
        Assert.Equal(["K7"], Ids(body2, "entered"));
        Assert.Equal(["K4"], Ids(body2, "left"));
        Assert.DoesNotContain("K3", Encoding.UTF8.GetString(change.Body));

        // K3 agrees again: it enters again.
        await ProofAsync(api, site, "v-K3", now.AddSeconds(-5), marketing: true);
        var third = await RunAsync(api, id);
        Assert.Equal(["K3"], Ids(JsonDocument.Parse(receiver.Requests.Last().Body).RootElement, "entered"));
        Assert.Equal(5, receiver.Requests.Count);
        Assert.Equal(1, third.GetProperty("entered").GetInt32());
    }

    [Fact]
    public async Task A_receiver_that_never_accepts_leaves_the_change_for_the_next_run()
    {
        using var receiver = new Receiver(500, 500, 500, 500);
        var (key, site) = await AudienceReportsTests.BerlinSiteAsync(api, "webhook-down");
        await ConsentCasesAsync(api, site, DateTimeOffset.UtcNow);
        var id = await CreateAsync(api, key, new { name = "all", webhook = new { url = receiver.Url, secret = Secret } });
        var failed = await RunAsync(api, id);
        Assert.Equal((false, 4), (failed.GetProperty("delivered").GetBoolean(), failed.GetProperty("attempts").GetInt32()));
        var again = await RunAsync(api, id);
        Assert.Equal((true, 3), (again.GetProperty("delivered").GetBoolean(), again.GetProperty("entered").GetInt32()));
        Assert.Equal(5, receiver.Requests.Count);
    }
}

public sealed class SegmentWebhookTestsEmbedded(SegmentEmbeddedApi api) : SegmentWebhookTests(api), IClassFixture<SegmentEmbeddedApi>;
public sealed class SegmentWebhookTestsServer(SegmentServerApi api) : SegmentWebhookTests(api), IClassFixture<SegmentServerApi>;
