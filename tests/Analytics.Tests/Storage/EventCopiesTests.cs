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
/// The copies of some event types: purchase_events (migration 0027, the purchases for the reads of a site's orders) and
/// feedback_events (migration 0031, survey answers and ratings for the survey report), form_events (migration 0032, the
/// forms report's events). An insert into events copies
/// exactly those types through the materialized view, the migration's backfill copies the rows stored before it once
/// however often it runs, and an erasure leaves none of the subject's rows in it: on both engines.
/// </summary>
public abstract class EventCopiesTests(EngineFixture engine)
{
    /// <summary>Copy, its migration, the types it holds (comma-separated: InlineData takes constants).</summary>
    public static TheoryData<string, string, string> Copies => new()
    {
        { PersonalDataRegistry.PurchaseEvents, "0027_purchase_events", "purchase" },
        { PersonalDataRegistry.FeedbackEvents, "0031_feedback_events", "survey_answer,rating" },
        { PersonalDataRegistry.FormEvents, "0032_form_events", "form_start,form_field,form_submit,form_abandon" },
    };

    [Theory]
    [MemberData(nameof(Copies))]
    public async Task Only_its_types_are_copied_row_for_row_and_an_erasure_removes_the_subjects_rows_from_the_copy_too(string copy, string migration, string types)
    {
        Assert.Contains(SchemaMigrations.All, m => m.Name == migration);
        var copied = types.Split(',');
        Assert.Equal(copy, EventColumns.TableFor(copied));
        var site = "site-" + Guid.NewGuid().ToString("N");
        // Every type of the copy for ann (one of them a bot's for bob), and the other copy's types and other events beside them.
        var events = new List<EventRow>
        {
            Event(site, "ann", Base, path: "/cart"),
            Event(site, "bob", Base + Minute, type: copied[0], bot: true, source: "newsletter"),
            Event(site, "bob", Base + 2 * Minute, type: "product_view"),
            Event(site, "bob", Base + 4 * Minute, type: "purchase"),
            Event(site, "bob", Base + 5 * Minute, type: "survey_answer"),
        };
        for (var i = 0; i < copied.Length; i++)
        {
            events.Add(Event(site, "ann", Base + (i * 2 + 1) * Minute, type: copied[i]));
            events.Add(Event(site, "ann", Base + (i * 2 + 2) * Minute, type: copied[i], campaign: "spring"));
        }
        await InsertAsync(engine.ClickHouse, events);
        await InsertAsync(engine.ClickHouse, [Event(site, "bob", Base + 3 * Minute, type: copied[^1])]);

        Assert.Equal(await RowsAsync("events", site, copied), await RowsAsync(copy, site));
        Assert.Equal(2 * copied.Length + 2 + (copied.Contains("purchase") ? 1 : 0) + (copied.Contains("survey_answer") ? 1 : 0), (await RowsAsync(copy, site)).Count);

        var erasure = new SubjectErasure(engine.ClickHouse, Options.Create(new PrivacyRequestOptions()));
        var subject = await erasure.ResolveAsync(site, new SubjectRef(SubjectKey.Visitor, "ann"), CancellationToken.None);
        var table = PersonalDataRegistry.Find(copy)!;
        Assert.Equal(2 * copied.Length, await erasure.CountAsync(table, subject, CancellationToken.None));
        await erasure.DeleteAsync(table, subject, CancellationToken.None);
        await erasure.WaitForMutationsAsync(table.Table, CancellationToken.None);
        Assert.Equal(0, await erasure.CountAsync(table, subject, CancellationToken.None));
        Assert.All(await RowsAsync(copy, site), r => Assert.Contains("\"vid\":\"bob\"", r));
        Assert.True(PersonalDataRegistry.IsCopy(copy)); // an export shows these rows once, from the events
    }

    [Theory]
    [MemberData(nameof(Copies))]
    public async Task The_backfill_copies_the_rows_the_view_did_not_see_and_copies_nothing_twice_when_run_again(string copy, string migration, string types)
    {
        var copied = types.Split(',');
        var site = "site-" + Guid.NewGuid().ToString("N");
        await InsertAsync(engine.ClickHouse,
            [Event(site, "early", Base, type: copied[0]), Event(site, "early", Base + Minute, type: copied[^1]), Event(site, "early", Base + 2 * Minute)]);
        // Rows stored before the view existed: the copy lacks them.
        await engine.ClickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(copy)} DELETE WHERE site_id = {site} AND ts_ms = {Base}"));
        await new SubjectErasure(engine.ClickHouse, Options.Create(new PrivacyRequestOptions())).WaitForMutationsAsync(copy, CancellationToken.None);
        Assert.Single(await RowsAsync(copy, site));

        var backfill = SchemaMigrations.All.Single(m => m.Name == migration).Statements[^1];
        Assert.StartsWith($"INSERT INTO {copy}", backfill);
        var migrations = new SchemaMigrations(engine.ClickHouse, NullLogger<SchemaMigrations>.Instance);
        await migrations.ApplyStatementAsync(backfill, CancellationToken.None);
        Assert.Equal(await RowsAsync("events", site, copied), await RowsAsync(copy, site));
        Assert.Equal(2, (await RowsAsync(copy, site)).Count);
        await migrations.ApplyStatementAsync(backfill, CancellationToken.None); // a crash before the migration was recorded
        Assert.Equal(await RowsAsync("events", site, copied), await RowsAsync(copy, site));
    }

    /// <summary>Every column of the site's rows (only of <paramref name="types"/> when given), as JSON text, in one order.</summary>
    async Task<List<string>> RowsAsync(string table, string site, string[]? types = null) =>
        (await engine.ClickHouse.QueryListAsync(Sql.Query($"""
            SELECT * FROM {new SqlIdentifier(table)} WHERE site_id = {site} AND ({(types is null ? 1 : 0)} OR type IN {SqlInList.Of(types ?? [""])}) ORDER BY event_id
            """), StorageJson.Default.JsonElement)).Select(r => r.GetRawText()).ToList();
}

public sealed class EventCopiesTestsEmbedded(EmbeddedEngine engine) : EventCopiesTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class EventCopiesTestsServer(ServerEngine engine) : EventCopiesTests(engine), IClassFixture<ServerEngine>;
