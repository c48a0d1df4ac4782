using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Analytics.Reports;

/// <summary>
/// A query parameter of a report, for the OpenAPI document: the endpoints read the query themselves (the mediator's
/// validators check it), so the generator cannot see the parameters and each report names them.
/// </summary>
public sealed record ReportParameter(string Name, string Description, bool Required = false, bool Repeatable = false, string[]? Values = null)
{
    /// <summary>Every report's: site, range, filters and format (docs/reports.md "Parameters every report shares").</summary>
    public static readonly IReadOnlyList<ReportParameter> Shared =
    [
        new("site", "The site's key. A site the caller is not a member of answers 404, like a key no site has.", Required: true),
        new("from", "Start of the range, ISO-8601 in the site's time zone: a date (its first moment), a date-time without offset (wall clock), or with an offset. Default: 30 days before today."),
        new("to", "End of the range: a date is inclusive (its whole day), a date-time exclusive. Default: the end of today. At most 1 100 days after from."),
        new("filter", "DIMENSION:OPERATOR:VALUE, repeatable (all must hold). Operators is, is_not, contains, in (values separated by |). Example: country:is:DE.", Repeatable: true),
        new("format", "json (default) or csv; Accept: text/csv asks for CSV too.", Values: ["json", "csv"]),
    ];

    public static readonly ReportParameter Interval = new("interval",
        "Bucket of the time series in the site's zone (week from Monday). Default: hours up to two days, days up to 400, else months; at most 2 000 buckets.",
        Values: ["hour", "day", "week", "month"]);

    public static readonly ReportParameter Dimension = new("dimension",
        "What to break down by: a dimension of docs/reports.md (page, entry_page, exit_page, session_channel, channel, source, utm_*, country, device, …).", Required: true);

    public static readonly ReportParameter Limit = new("limit",
        "How many top rows before \"(other)\": 1 to 1 000, default 10.");

    public static readonly ReportParameter Rows = new("limit", "How many rows to answer (per side or step where the report has several).");

    public static readonly ReportParameter Page = new("page", "The page path (exact) whose previous and next pages are counted.", Required: true);

    public static readonly ReportParameter FromPage = new("from_page", "Flows from this page path (exactly one of from_page and to_page).");

    public static readonly ReportParameter ToPage = new("to_page", "Flows to this page path (exactly one of from_page and to_page).");

    public static readonly ReportParameter Depth = new("depth", "Steps of the flow: 1 to 5, default 3.");

    public static readonly ReportParameter Cohort = new("cohort", "What starts a person's cohort: the first visit or the first purchase in the range.",
        Values: ["first_visit", "first_purchase", "purchase"]);

    public static readonly ReportParameter Period = new("period", "Cohort and return period, in the site's zone (weeks from Monday).", Values: ["week", "month"]);

    OpenApiParameter ToOpenApi() => new()
    {
        Name = Name,
        In = ParameterLocation.Query,
        Required = Required,
        Description = Description,
        Schema = Repeatable
            ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }
            : new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values?.Select(v => (System.Text.Json.Nodes.JsonNode)v!).ToList() },
        Explode = Repeatable, // filter=a&filter=b
    };

    /// <summary>Describes the shared parameters and the report's own ones on its operation.</summary>
    public static RouteHandlerBuilder Describe(RouteHandlerBuilder endpoint, IReadOnlyList<ReportParameter> own) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var parameter in Shared.Concat(own)) operation.Parameters.Add(parameter.ToOpenApi());
            return Task.CompletedTask;
        });
}
