using Analytics.Shared;
using Mediator;
using Microsoft.Net.Http.Headers;

namespace Analytics.Reports;

/// <summary>What every report endpoint does around the mediator: the answer as JSON or CSV, a refusal as problem+json.</summary>
public static class ReportEndpoint
{
    public static async Task<IResult> SendAsync<TAnswer>(HttpContext http, IReport<TAnswer> report, IMediator mediator, CancellationToken ct)
        where TAnswer : IReportAnswer
    {
        var format = http.Request.Query["format"].ToString();
        if (format.Length > 0 && format is not ("json" or "csv"))
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid report parameters", "format is json or csv.", "format");
        TAnswer answer;
        try
        {
            answer = await mediator.Send(report, ct);
        }
        catch (ReportRefusal refusal)
        {
            return refusal.Answer;
        }
        if (format == "csv" || (format.Length == 0 && WantsCsv(http.Request)))
            return TypedResults.Text(answer.ToCsv().Render(), "text/csv; charset=utf-8");
        return TypedResults.Ok(answer);
    }

    /// <summary>CSV when the Accept header prefers it to JSON (a browser's */* keeps JSON).</summary>
    static bool WantsCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)) return false;
        var csv = accepted.Where(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var json = accepted.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        return csv > 0 && csv >= json;
    }
}
