using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Analytics.Consent;
using Analytics.Crm;
using Analytics.Crm.Costs;
using Analytics.Import;
using Analytics.Ingestion;
using Analytics.Sites;

namespace Analytics.Demo;

/// <summary>What the demo seed stored.</summary>
public sealed record DemoSeedResult(bool Seeded, string Detail, long Events = 0, long Visitors = 0, long Customers = 0, long Orders = 0,
    long Contacts = 0, long Consents = 0, long Surveys = 0, long Costs = 0, double Seconds = 0);

/// <summary>
/// The demo shop's history, written through the product's own write paths: the CRM import (customers with their
/// devices, orders, contacts; acquisition costs), the events import (the generated traffic with identify events,
/// surveys and ratings, enriched by the pipeline; the writer marks the days for the session refresh) and the
/// consent spool (a proof per visitor).
/// </summary>
public sealed class DemoShop(CrmImport crm, EventsImport events, [FromKeyedServices(ConsentColumns.SpoolKey)] Spool consents,
    Microsoft.Extensions.Options.IOptions<DemoOptions> options)
{
    const long Day = 86_400_000;

    public async Task<DemoSeedResult> WriteAsync(Site site, DateTimeOffset now, CancellationToken ct)
    {
        var o = options.Value;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var endMs = now.AddHours(-1).ToUnixTimeMilliseconds();
        var startMs = endMs - o.Days * Day;

        var model = new ShopCustomers(o.Customers, endMs, o.Days);
        await ImportAsync(site, CustomersEntity.Instance, Enumerable.Range(0, model.Customers.Count).Select(i => Json(w => model.WriteCustomer(w, i))), ct);
        await ImportAsync(site, OrdersEntity.Instance, Enumerable.Range(0, model.Orders.Count).Select(i => Json(w => model.WriteOrder(w, i))), ct);
        await ImportAsync(site, ContactsEntity.Instance, model.ContactsJson(), ct);
        var costs = Costs(startMs, o.Days).ToList();
        await ImportAsync(site, CostsEntity.Instance, costs, ct);

        // The generator writes lines while the import reads them: memory stays small, both cores work.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var traffic = new ShopTrafficGenerator(site.Id, startMs, o.Days, customerIds: r => model.Customers[r.Next(model.Customers.Count)].Id);
        using var sink = new DemoEvents(pipe.Writer, consents, site.Id, endMs);
        var import = Task.Run(() => events.ImportAsync(site, pipe.Reader, ct), ct);
        try
        {
            await traffic.GenerateAsync(sink, o.Events);
            await sink.FlushAsync();
        }
        finally
        {
            await pipe.Writer.CompleteAsync();
        }
        var (report, bodyError) = await import;
        if (bodyError is not null) throw bodyError;
        if (report.Imported < report.LinesRead) throw new InvalidOperationException($"The demo import skipped {report.LinesRead - report.Imported} of {report.LinesRead} lines: {Skips(report)}");

        return new DemoSeedResult(true, "seeded", report.Imported, traffic.Visitors, model.Customers.Count, model.Orders.Count, model.ContactCount,
            sink.Consents, sink.Surveys, costs.Count, clock.Elapsed.TotalSeconds);
    }

    static string Skips(ImportReport report) => System.Text.Json.JsonSerializer.Serialize(report, ImportJson.Default.ImportReport);

    async Task ImportAsync<TRow>(Site site, CrmEntity<TRow> entity, IEnumerable<string> rows, CancellationToken ct)
    {
        var body = new MemoryStream();
        using (var text = new StreamWriter(body, new UTF8Encoding(false), leaveOpen: true))
        {
            text.Write('[');
            var first = true;
            foreach (var row in rows)
            {
                if (!first) text.Write(',');
                text.Write(row);
                first = false;
            }
            text.Write(']');
        }
        body.Position = 0;
        var report = await crm.ImportJsonAsync(site, entity, body, ct);
        if (report.RejectedTotal > 0)
            throw new InvalidOperationException($"The demo's {entity.Table} were rejected: {string.Join("; ", report.Rejected.Take(3).Select(r => $"row {r.Row}: {string.Join(", ", r.Errors.Select(e => $"{e.Field} {e.Message}"))}"))}");
    }

    static string Json(Action<TextWriter> write)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        write(text);
        return text.ToString();
    }

    /// <summary>Daily spend on the campaigns the generator's sessions come from (search ads, social, newsletters).</summary>
    static IEnumerable<string> Costs(long startMs, int days)
    {
        var random = new Random(29);
        (string Channel, string Campaign, double Daily)[] campaigns =
        [
            ("paid_search", "brand", 40), ("paid_search", "generic", 120), ("paid_search", "shoes", 80),
            ("social", "spring", 60), ("social", "influencer", 90), ("email", "weekly", 15), ("email", "winback", 10),
        ];
        for (var d = 0; d < days; d++)
        {
            var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(startMs + d * Day).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var (channel, campaign, daily) in campaigns)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{{\"day\":\"{day}\",\"channel\":\"{channel}\",\"campaign\":\"{campaign}\",\"cost\":{Math.Round(daily * (0.7 + 0.6 * random.NextDouble()), 2)}}}");
        }
    }
}
