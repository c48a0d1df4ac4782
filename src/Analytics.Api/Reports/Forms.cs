using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/forms</c>: from the tracker's form events (tracker-js/src/forms.js: <c>form_start</c>,
/// <c>form_field</c> with <c>field</c> and <c>dwell_ms</c>, <c>form_submit</c>, <c>form_abandon</c> with
/// <c>last_field</c>; each with the <c>form</c> prop) in the range that match the filters. Every number counts
/// events (each start of a form on a page view), not persons; docs/reports.md defines them.
/// </summary>
public sealed record FormsReport(ReportInput Input, ClaimsPrincipal User, DateTimeOffset Now) : IReport<FormsAnswer>
{
    public string Report => "forms";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => "";
}

public sealed class FormsValidator : AbstractValidator<FormsReport>
{
    public FormsValidator() => Include(new ReportInputValidator());
}

public sealed record FormField(string Field, long Interactions, double MedianSeconds, long LastBeforeAbandon);

public sealed record FormRow(string Form, long Starts, long Submits, long Abandons, double AbandonRate, double MedianSecondsToSubmit, IReadOnlyList<FormField> Fields);

public sealed record FormsAnswer(string From, string To, IReadOnlyList<FormRow> Forms) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["form", "field", "starts", "submits", "abandons", "abandon_rate", "median_seconds_to_submit", "interactions", "median_seconds", "last_before_abandon"],
        Forms.SelectMany(f => new[] { (IReadOnlyList<object>)[f.Form, "", f.Starts, f.Submits, f.Abandons, f.AbandonRate, f.MedianSecondsToSubmit, "", "", ""] }
            .Concat(f.Fields.Select(x => (IReadOnlyList<object>)[f.Form, x.Field, "", "", "", "", "", x.Interactions, x.MedianSeconds, x.LastBeforeAbandon]))).ToList());
}

public sealed class FormsHandler(IClickHouse clickHouse) : IRequestHandler<FormsReport, FormsAnswer>
{
    /// <summary>The props the report reads, carried through the one event SQL as a tuple value: form, field, dwell_ms, last_field.</summary>
    static readonly ReportDimension FormProps = new("form_props", DimensionSource.Event, Sql.Query($"""
        tuple(props_values[indexOf(props_keys, 'form')], props_values[indexOf(props_keys, 'field')],
            toFloat64OrZero(props_values[indexOf(props_keys, 'dwell_ms')]), props_values[indexOf(props_keys, 'last_field')])
        """), ["props_keys", "props_values"]);

    /// <summary>
    /// The form events: read by type in the scan itself (a filter around it is not pushed down on 18.16), from their
    /// copy <c>form_events</c> (migration 0032), not from every event of the range.
    /// </summary>
    static readonly IReadOnlyList<string> FormTypes = [.. Ingestion.EventColumns.FormTypes.Order(StringComparer.Ordinal)];

    public async ValueTask<FormsAnswer> Handle(FormsReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var events = Sql.Query($"""
            SELECT ts_ms, type, vid, tupleElement(value, 1) AS form, tupleElement(value, 2) AS focused_field, tupleElement(value, 3) AS dwell_ms,
                tupleElement(value, 4) AS last_field
            FROM ({ReportSql.Events(scope, scope.FromMs, scope.ToMs, FormProps, FormProps.Value, types: FormTypes, withPerson: false)})
            """);
        var forms = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT form, countIf(type = 'form_start') AS starts, countIf(type = 'form_submit') AS submits, countIf(type = 'form_abandon') AS abandons
            FROM ({events})
            GROUP BY form
            """), FormRows.Default.FormCounts, ct);
        // A submit's time: from the visitor's latest start of the same form at or before it (a submit without one has none).
        // The submit goes into the lambdas as an array as long as starts, not captured: 18.16 loses a captured column here ("Unknown identifier").
        var submitPerStart = Sql.Query($"arrayResize(emptyArrayUInt64(), length(starts), submit)");
        var submitTimes = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT form, {Median(Sql.Query($"groupArray(seconds)"))} AS median
            FROM
            (
                SELECT form, (submit - arrayReduce('max', arrayFilter((s, t) -> s <= t, starts, {submitPerStart}))) / 1000 AS seconds
                FROM
                (
                    SELECT form, groupArrayIf(ts_ms, type = 'form_start') AS starts, groupArrayIf(ts_ms, type = 'form_submit') AS submits
                    FROM ({events})
                    WHERE type IN ('form_start', 'form_submit')
                    GROUP BY vid, form
                )
                ARRAY JOIN submits AS submit
                WHERE arrayExists((s, t) -> s <= t, starts, {submitPerStart})
            )
            GROUP BY form
            """), FormRows.Default.FormMedian, ct);
        var fields = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT form, field, countIf(type = 'form_field') AS interactions, {Median(Sql.Query($"groupArrayIf(dwell_seconds, type = 'form_field')"))} AS median, countIf(type = 'form_abandon') AS last_before_abandon
            FROM
            (
                SELECT form, if(type = 'form_field', focused_field, last_field) AS field, type, dwell_ms / 1000 AS dwell_seconds
                FROM ({events})
                WHERE type IN ('form_field', 'form_abandon')
            )
            WHERE field != ''
            GROUP BY form, field
            """), FormRows.Default.FieldCounts, ct);
        await Task.WhenAll(forms, submitTimes, fields);

        var medians = (await submitTimes).ToDictionary(m => m.Form, m => m.Median);
        var fieldsOf = (await fields).ToLookup(f => f.Form);
        var rows = (await forms).Where(f => f.Starts + f.Submits + f.Abandons > 0)
            .OrderByDescending(f => f.Starts).ThenBy(f => f.Form, StringComparer.Ordinal)
            .Select(f => new FormRow(f.Form.Length == 0 ? BreakdownReport.None : f.Form, f.Starts, f.Submits, f.Abandons, OverviewHandler.Rate(f.Abandons, f.Starts),
                Math.Round(medians.GetValueOrDefault(f.Form), 1),
                fieldsOf[f.Form].OrderByDescending(x => x.Interactions).ThenByDescending(x => x.LastBeforeAbandon).ThenBy(x => x.Field, StringComparer.Ordinal)
                    .Select(x => new FormField(x.Field, x.Interactions, Math.Round(x.Median, 1), x.LastBeforeAbandon)).ToList()))
            .ToList();
        return new FormsAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), rows);
    }

    /// <summary>
    /// The exact median of a group's values (<paramref name="values"/>, an array aggregate): the mean of the two middle
    /// ones for an even count, 0 for none (an index past the end reads 0); the same on both engines.
    /// </summary>
    static Sql Median(Sql values) =>
        Sql.Query($"((arraySort({values}) AS sorted)[intDiv(length(sorted) + 1, 2)] + sorted[intDiv(length(sorted), 2) + 1]) / 2");
}

public sealed record FormCounts(string Form, long Starts, long Submits, long Abandons);
public sealed record FormMedian(string Form, double Median);
public sealed record FieldCounts(string Form, string Field, long Interactions, double Median, long LastBeforeAbandon);

[JsonSerializable(typeof(FormCounts))]
[JsonSerializable(typeof(FormMedian))]
[JsonSerializable(typeof(FieldCounts))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class FormRows : JsonSerializerContext;
