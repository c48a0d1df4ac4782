using Analytics.Ingestion;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Privacy.Requests;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Storage;

/// <summary>
/// purchase_events (migration 0027), the purchase events again for the reads of a site's orders: an insert into events
/// copies exactly its purchases through the materialized view, the migration's backfill copies the purchases stored
/// before it once however often it runs, and an erasure leaves none of the subject's rows in it: on both engines.
/// </summary>
public abstract class PurchaseEventsTests(EngineFixture engine)
{
    const string Copy = PersonalDataRegistry.PurchaseEvents;

    [Fact]
    public async Task Only_purchases_are_copied_row_for_row_and_an_erasure_removes_the_subjects_rows_from_the_copy_too()
    {
        var site = "site-" + Guid.NewGuid().ToString("N");
        var events = new List<EventRow>
        {
            Event(site, "ann", Base, path: "/cart"),
            Event(site, "ann", Base + Minute, type: "purchase"),
            Event(site, "ann", Base + 2 * Minute, type: "purchase", campaign: "spring"),
            Event(site, "bob", Base + Minute, type: "purchase", bot: true, source: "newsletter"),
            Event(site, "bob", Base + 2 * Minute, type: "product_view"),
        };
        await InsertAsync(engine.ClickHouse, events);
        await InsertAsync(engine.ClickHouse, [Event(site, "bob", Base + 3 * Minute, type: "purchase")]);

        Assert.Equal(await RowsAsync("events", site, purchasesOnly: true), await RowsAsync(Copy, site));
        Assert.Equal(4, (await RowsAsync(Copy, site)).Count);

        var erasure = new SubjectErasure(engine.ClickHouse, Options.Create(new PrivacyRequestOptions()));
        var subject = await erasure.ResolveAsync(site, new SubjectRef(SubjectKey.Visitor, "ann"), CancellationToken.None);
        var table = PersonalDataRegistry.Find(Copy)!;
        Assert.Equal(2, await erasure.CountAsync(table, subject, CancellationToken.None));
        await erasure.DeleteAsync(table, subject, CancellationToken.None);
        await erasure.WaitForMutationsAsync(table.Table, CancellationToken.None);
        Assert.Equal(0, await erasure.CountAsync(table, subject, CancellationToken.None));
        Assert.All(await RowsAsync(Copy, site), r => Assert.Contains("\"vid\":\"bob\"", r));
        Assert.True(PersonalDataRegistry.IsCopy(Copy)); // an export shows these rows once, from the events
    }

    [Fact]
    public async Task The_backfill_copies_the_purchases_the_view_did_not_see_and_copies_nothing_twice_when_run_again()
    {
        var site = "site-" + Guid.NewGuid().ToString("N");
        await InsertAsync(engine.ClickHouse,
            [Event(site, "early", Base, type: "purchase"), Event(site, "early", Base + Minute, type: "purchase"), Event(site, "early", Base + 2 * Minute)]);
        // Rows stored before the view existed: the copy lacks them.
        await engine.ClickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(Copy)} DELETE WHERE site_id = {site} AND ts_ms = {Base}"));
        await new SubjectErasure(engine.ClickHouse, Options.Create(new PrivacyRequestOptions())).WaitForMutationsAsync(Copy, CancellationToken.None);
        Assert.Single(await RowsAsync(Copy, site));

        var backfill = SchemaMigrations.All.Single(m => m.Name == "0027_purchase_events").Statements[^1];
        Assert.StartsWith("INSERT INTO purchase_events", backfill);
        var migrations = new SchemaMigrations(engine.ClickHouse, NullLogger<SchemaMigrations>.Instance);
        await migrations.ApplyStatementAsync(backfill, CancellationToken.None);
        Assert.Equal(await RowsAsync("events", site, purchasesOnly: true), await RowsAsync(Copy, site));
        Assert.Equal(2, (await RowsAsync(Copy, site)).Count);
        await migrations.ApplyStatementAsync(backfill, CancellationToken.None); // a crash before the migration was recorded
        Assert.Equal(await RowsAsync("events", site, purchasesOnly: true), await RowsAsync(Copy, site));
    }

    /// <summary>Every column of the site's rows (only purchases when asked), as JSON text, in one order.</summary>
    async Task<List<string>> RowsAsync(string table, string site, bool purchasesOnly = false) =>
        (await engine.ClickHouse.QueryListAsync(Sql.Query($"""
            SELECT * FROM {new SqlIdentifier(table)} WHERE site_id = {site} AND ({(purchasesOnly ? 0 : 1)} OR type = 'purchase') ORDER BY event_id
            """), StorageJson.Default.JsonElement)).Select(r => r.GetRawText()).ToList();
}

public sealed class PurchaseEventsTestsEmbedded(EmbeddedEngine engine) : PurchaseEventsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class PurchaseEventsTestsServer(ServerEngine engine) : PurchaseEventsTests(engine), IClassFixture<ServerEngine>;
