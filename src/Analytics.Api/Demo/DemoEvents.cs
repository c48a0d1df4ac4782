using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Analytics.Consent;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Demo;

/// <summary>
/// Turns the generator's events into what a shop would import (<c>POST /api/import/events</c> lines: url with UTM
/// parameters, referrer, user agent, IP, consent), so that the import pipeline enriches them as any other history;
/// adds an <c>identify</c> event for each link, an NPS answer or a product rating after some purchases, and a
/// consent proof (the banner's, at the first visit) for each visitor, written to the consent spool.
/// </summary>
sealed class DemoEvents(PipeWriter lines, Spool consents, string siteId, long endMs) : IShopTrafficSink, IDisposable
{
    public const string Host = "https://localhost";
    const int ConsentChunk = 1000;
    static readonly string[] SurveyTexts = ["Fast delivery, thank you!", "The size guide could be clearer.", "Great shoes.", "Checkout took too long.", ""];
    static readonly string[] FoundBy = ["Search engine", "Friends", "Social media", "Advertising", "Newsletter"];

    readonly Random random = new(23);
    readonly ArrayBufferWriter<byte> buffer = new(256 * 1024);
    readonly Utf8JsonWriter json = new(Stream.Null); // reset onto the buffer for every line
    readonly RowBinaryWriter consentRows = new(ConsentChunk * 256);
    readonly List<int> consentLengths = new(ConsentChunk);
    string vid = "", userAgent = "", ip = "";
    bool marketing;
    public long Lines { get; private set; }
    public long Consents { get; private set; }
    public long Surveys { get; private set; }

    public void Event(EventRow row)
    {
        if (row.Vid != vid) Visitor(row);
        var campaign = row.UtmCampaign.Length > 0 ? $"?utm_source={row.UtmSource}&utm_medium={row.UtmMedium}&utm_campaign={row.UtmCampaign}" : "";
        Begin(row.Type, row.TsMs, row.Path + campaign, row.Name);
        json.WriteString("title", Title(row.Path));
        json.WriteString("referrer", Referrer(row));
        if (row.CustomerId.Length > 0) json.WriteString("customer_id", row.CustomerId);
        if (row.Type == "purchase")
        {
            json.WriteString("order_id", row.OrderId);
            json.WriteNumber("revenue", row.Revenue);
            json.WriteString("currency", row.Currency);
        }
        if (row.PropsKeys.Count > 0)
        {
            json.WriteStartObject("props");
            for (var i = 0; i < row.PropsKeys.Count; i++) json.WriteString(row.PropsKeys[i], row.PropsValues[i]);
            json.WriteEndObject();
        }
        End(row.Screen, row.Lang);
        if (row.Type == "purchase" && !row.IsBot) AfterPurchase(row);
    }

    public void Link(string visitor, string customerId, long tsMs)
    {
        if (visitor != vid) return; // a device the generator ran out of events for: nothing of it to link
        Begin("identify", tsMs + 1_000, "/account", "");
        json.WriteString("customer_id", customerId);
        End("", "");
    }

    /// <summary>Hands the lines of the session to the import (waiting while it is behind) and the consent proofs to the spool.</summary>
    public async ValueTask SessionEndedAsync()
    {
        if (buffer.WrittenCount >= 64 * 1024) await FlushLinesAsync();
        if (consentLengths.Count >= ConsentChunk) await FlushConsentsAsync();
    }

    /// <summary>Everything still held: the last lines, and the last consent proofs.</summary>
    public async Task FlushAsync()
    {
        await FlushLinesAsync();
        await FlushConsentsAsync();
    }

    async ValueTask FlushLinesAsync()
    {
        if (buffer.WrittenCount == 0) return;
        await lines.WriteAsync(buffer.WrittenMemory);
        buffer.ResetWrittenCount();
    }

    void Visitor(EventRow row)
    {
        vid = row.Vid;
        userAgent = DemoClients.UserAgent(row.Device, row.Browser, row.Os, row.IsBot);
        var address = DemoClients.Address(row.Country, random);
        ip = address.ToString();
        marketing = row.ConsentMarketing;
        if (row.IsBot) return;
        var start = consentRows.Length;
        // The banner's proof at the first visit, a second before the first page is sent.
        ConsentColumns.Definition.Write(new ConsentRow
        {
            ConsentId = Guid.CreateVersion7(), SiteId = siteId, ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.TsMs - 1_000), Vid = vid,
            Analytics = true, Marketing = marketing, PolicyVersion = "2026-01", Source = "banner",
            IpTruncated = ConsentApi.Truncate(address), UserAgent = userAgent,
        }, consentRows);
        consentLengths.Add(consentRows.Length - start);
        Consents++;
    }

    void AfterPurchase(EventRow row)
    {
        var roll = random.Next(100);
        if (roll < 30)
        {
            Begin("survey_answer", row.TsMs + 30_000, "/thank-you", "");
            json.WriteString("survey", "post_purchase");
            json.WriteString("question", "How likely are you to recommend us to a friend?");
            // Most buyers are content: a skew towards 8–10, a tail of detractors.
            json.WriteNumber("score", Math.Clamp(10 - (int)(random.NextDouble() * random.NextDouble() * 11), 0, 10));
            var text = SurveyTexts[random.Next(SurveyTexts.Length)];
            if (text.Length > 0) json.WriteString("text", text);
            End("", "");
            Begin("survey_answer", row.TsMs + 40_000, "/thank-you", "");
            json.WriteString("survey", "post_purchase");
            json.WriteString("question", "How did you find us?");
            json.WriteString("choice", FoundBy[random.Next(FoundBy.Length)]);
            End("", "");
            Surveys += 2;
        }
        else if (roll < 50)
        {
            Begin("rating", Math.Min(row.TsMs + 7 * 86_400_000L, endMs), "/account/orders", ""); // a week later: the product has arrived
            json.WriteString("subject", $"S{random.Next(ShopCatalogue.Products)}");
            json.WriteNumber("stars", 5 - (int)(random.NextDouble() * random.NextDouble() * 5));
            End("", "");
            Surveys++;
        }
    }

    void Begin(string type, long tsMs, string path, string name)
    {
        json.Reset(buffer);
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteNumber("ts", tsMs);
        json.WriteString("url", Host + path);
        if (name.Length > 0) json.WriteString("name", name);
        json.WriteString("vid", vid);
        json.WriteString("ip", ip);
        json.WriteString("user_agent", userAgent);
    }

    void End(string screen, string lang)
    {
        if (screen.Length > 0) json.WriteString("screen", screen);
        if (lang.Length > 0) json.WriteString("lang", lang);
        json.WriteStartObject("consent");
        json.WriteBoolean("analytics", true);
        json.WriteBoolean("marketing", marketing);
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        buffer.Write("\n"u8);
        Lines++;
    }

    /// <summary>A landing page comes from where its session's channel says; the later pages of a session are internal navigation.</summary>
    static string Referrer(EventRow row) => row.Channel switch
    {
        "organic_search" or "paid_search" => "https://www.google.com/",
        "social" => "https://www.instagram.com/",
        "referral" => "https://blog.example/shoe-guide",
        "internal" => Host + "/",
        _ => "",
    };

    static string Title(string path) => path switch
    {
        "/" => "Home",
        "/cart" => "Cart",
        "/checkout" => "Checkout",
        "/thank-you" => "Thank you",
        "/search" => "Search",
        "/about" => "About us",
        _ when path.StartsWith("/c/", StringComparison.Ordinal) => "Category " + path[3..],
        _ when path.StartsWith("/p/", StringComparison.Ordinal) => "Product " + path[3..],
        _ => path,
    };

    async ValueTask FlushConsentsAsync()
    {
        if (consentLengths.Count == 0) return;
        while (true)
        {
            try
            {
                consents.Append(consentRows.WrittenSpan, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(consentLengths));
                break;
            }
            catch (SpoolFullException)
            {
                await Task.Delay(100); // the consent writer drains the spool meanwhile
            }
        }
        consentRows.Clear();
        consentLengths.Clear();
    }

    public void Dispose()
    {
        json.Dispose();
        consentRows.Dispose();
    }
}
