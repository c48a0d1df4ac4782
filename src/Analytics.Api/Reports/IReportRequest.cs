using System.Security.Claims;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Mediator;

namespace Analytics.Reports;

/// <summary>
/// What every report request carries: the shared parameters, the caller, and the site once
/// <see cref="Pipeline.ReportSiteAccess{TMessage,TResponse}"/> has let it through. The behaviours of
/// <see cref="ReportsSetup"/> work on this, whatever the report.
/// </summary>
public interface IReportRequest
{
    /// <summary>The report's name: the path segment, the metric label and the first part of the cache key.</summary>
    string Report { get; }

    ReportInput Input { get; }

    ClaimsPrincipal User { get; }

    /// <summary>When the request arrived: "today" of a default range, fixed once for the whole pipeline.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Null until the site-access behaviour has resolved <see cref="ReportInput.Site"/>.</summary>
    Site? Site { get; }

    /// <summary>The report's own parameters, normalised, for the cache key (e.g. <c>interval=day</c>).</summary>
    string Parameters { get; }

    /// <summary>The same request for the site found (records: <c>this with { Site = site }</c>).</summary>
    IReportRequest WithSite(Site site);
}

public static class ReportRequests
{
    /// <summary>The scope of a validated request whose site is resolved.</summary>
    public static ReportScope Scope(this IReportRequest request) =>
        ReportScope.Resolve(request.Input, request.Site ?? throw new InvalidOperationException("No site resolved."), request.Now);
}

/// <summary>A report: a request through the mediator, answered by its one handler.</summary>
public interface IReport<out TAnswer> : IReportRequest, IRequest<TAnswer> where TAnswer : IReportAnswer;

/// <summary>A report's answer: JSON as it is, and a CSV table (every report exports).</summary>
public interface IReportAnswer
{
    CsvTable ToCsv();
}

/// <summary>A refused report: the problem+json answer to send (unknown site, invalid parameters).</summary>
public sealed class ReportRefusal(IResult answer, string reason) : Exception(reason)
{
    public IResult Answer { get; } = answer;
}
