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
/// events_by_visitor (migration 0026), the events again ordered by (site_id, vid, ts) for the reads of a few visitors:
/// an insert into events reaches it through the materialized view, the migration's backfill copies the events stored
/// before it once however often it runs, and an erasure leaves none of the subject's rows in it: on both engines.
/// </summary>
public abstract class EventsByVisitorTests(EngineFixture engine)
{
    const string Copy = PersonalDataRegistry.EventsByVisitor;

    [Fact]
    public async Task Inserted_events_are_copied_row_for_row_and_an_erasure_removes_the_subjects_rows_from_the_copy_too()
    {
        var site = "site-" + Guid.NewGuid().ToString("N");
        var events = new List<EventRow>();
        for (var i = 0; i < 3; i++) events.Add(Event(site, "ann", Base + i * Minute, path: $"/ann/{i}"));
        events.Add(Event(site, "bob", Base + Minute, type: "purchase", bot: true, source: "newsletter"));
        await InsertAsync(engine.ClickHouse, events);
        await InsertAsync(engine.ClickHouse, [Event(site, "bob", Base + 2 * Minute, campaign: "spring")]);

        Assert.Equal(await RowsAsync("events", site), await RowsAsync(Copy, site));
        Assert.Equal(5, (await RowsAsync(Copy, site)).Count);

        var erasure = new SubjectErasure(engine.ClickHouse, Options.Create(new PrivacyRequestOptions()));
        var subject = await erasure.ResolveAsync(site, new SubjectRef(SubjectKey.Visitor, "ann"), CancellationToken.None);
        foreach (var table in new[] { "events", Copy }.Select(t => PersonalDataRegistry.Find(t)!))
        {
            Assert.Equal(3, await erasure.CountAsync(table, subject, CancellationToken.None));
            await erasure.DeleteAsync(table, subject, CancellationToken.None);
            await erasure.WaitForMutationsAsync(table.Table, CancellationToken.None);
            Assert.Equal(0, await erasure.CountAsync(table, subject, CancellationToken.None));
        }
        Assert.Equal(await RowsAsync("events", site), await RowsAsync(Copy, site));
        Assert.All(await RowsAsync(Copy, site), r => Assert.Contains("\"vid\":\"bob\"", r));
    }

    [Fact]
    public async Task The_backfill_copies_the_events_the_view_did_not_see_and_copies_nothing_twice_when_run_again()
    {
        var site = "site-" + Guid.NewGuid().ToString("N");
        await InsertAsync(engine.ClickHouse, [Event(site, "early", Base), Event(site, "early", Base + Minute)]);
        // Rows stored before the view existed: the copy lacks them.
        await engine.ClickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(Copy)} DELETE WHERE site_id = {site} AND ts_ms = {Base}"));
        await new SubjectErasure(engine.ClickHouse, Options.Create(new PrivacyRequestOptions())).WaitForMutationsAsync(Copy, CancellationToken.None);
        Assert.Single(await RowsAsync(Copy, site));

        var backfill = SchemaMigrations.All.Single(m => m.Name == "0026_events_by_visitor").Statements[^1];
        Assert.StartsWith("INSERT INTO events_by_visitor", backfill);
        var migrations = new SchemaMigrations(engine.ClickHouse, NullLogger<SchemaMigrations>.Instance);
        await migrations.ApplyStatementAsync(backfill, CancellationToken.None);
        Assert.Equal(await RowsAsync("events", site), await RowsAsync(Copy, site));
        await migrations.ApplyStatementAsync(backfill, CancellationToken.None); // a crash before the migration was recorded
        Assert.Equal(await RowsAsync("events", site), await RowsAsync(Copy, site));
    }

    /// <summary>Every column of the site's rows, as JSON text, in one order.</summary>
    async Task<List<string>> RowsAsync(string table, string site) =>
        (await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM {new SqlIdentifier(table)} WHERE site_id = {site} ORDER BY event_id"),
            StorageJson.Default.JsonElement)).Select(r => r.GetRawText()).ToList();
}

public sealed class EventsByVisitorTestsEmbedded(EmbeddedEngine engine) : EventsByVisitorTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class EventsByVisitorTestsServer(ServerEngine engine) : EventsByVisitorTests(engine), IClassFixture<ServerEngine>;
