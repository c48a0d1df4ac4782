using System.Globalization;
using System.Security.Claims;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/paths?from_page=P</c> or <c>?to_page=P</c>, <c>&amp;depth=D&amp;limit=N</c>: the flows of pageview paths
/// through P as a Sankey chart. Over each session's pageview paths with consecutive repeats collapsed (as transitions
/// read them; <see cref="SessionPages"/>), a session holding P gives one flow: with <c>from_page</c> from its first
/// pageview of P (step 0) over the next D paths (steps 1..D), "(exit)" where the session ends; with <c>to_page</c> up to
/// its last pageview of P (step 0) from the D paths before (steps -D..-1), "(entrance)" where the session begins. Per
/// step the top N paths by sessions, the rest one node "(other)" ("(exit)"/"(entrance)" are always their own node).
/// (<c>from</c>/<c>to</c> are the range, as in every report, hence <c>from_page</c>/<c>to_page</c>.)
/// </summary>
public sealed record PathsReport(ReportInput Input, string? FromPage, string? ToPage, string? Depth, string? Limit, ClaimsPrincipal User, DateTimeOffset Now)
    : IReport<PathsAnswer>
{
    public const int MaxDepth = 5;
    public const int DefaultDepth = 3;
    public const int DefaultLimit = 5;
    public const int MaxLimit = 50;

    public string Report => "paths";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"from_page={FromPage}&to_page={ToPage}&depth={Depth}&limit={Limit}";
}

public sealed class PathsValidator : AbstractValidator<PathsReport>
{
    public PathsValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.FromPage).Must((r, p) => (p is null) != (r.ToPage is null)).OverridePropertyName("from_page")
            .WithMessage("Name one page: from_page=P (flows from P) or to_page=P (flows to P).");
        RuleFor(r => r.Depth).Must(d => ReportLimits.IsValid(d, PathsReport.MaxDepth)).When(r => r.Depth is not null)
            .OverridePropertyName("depth").WithMessage($"depth is a whole number from 1 to {PathsReport.MaxDepth}.");
        RuleFor(r => r.Limit).Must(l => ReportLimits.IsValid(l, PathsReport.MaxLimit)).When(r => r.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"limit is a whole number from 1 to {PathsReport.MaxLimit}.");
    }
}

public sealed record PathNode(int Id, int Step, string Path, long Sessions);
public sealed record PathLink(int Source, int Target, long Sessions);

public sealed record PathsAnswer(string Page, string Direction, int Depth, string From, string To, IReadOnlyList<PathNode> Nodes, IReadOnlyList<PathLink> Links) : IReportAnswer
{
    public CsvTable ToCsv()
    {
        var nodes = Nodes.ToDictionary(n => n.Id);
        return new CsvTable(["source_step", "source_path", "target_step", "target_path", "sessions"],
            Links.Select(l => (IReadOnlyList<object>)[nodes[l.Source].Step, nodes[l.Source].Path, nodes[l.Target].Step, nodes[l.Target].Path, l.Sessions]).ToList());
    }
}

public sealed class PathsHandler(IClickHouse clickHouse, SessionPages pages) : IRequestHandler<PathsReport, PathsAnswer>
{
    public async ValueTask<PathsAnswer> Handle(PathsReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var forward = request.FromPage is not null;
        var page = request.FromPage ?? request.ToPage!;
        var depth = request.Depth is { } d ? int.Parse(d, CultureInfo.InvariantCulture) : PathsReport.DefaultDepth;
        var limit = request.Limit is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : PathsReport.DefaultLimit;
        var sessions = await pages.SessionsAsync(scope, ct);
        // The flow starts at P and walks away from it: forwards for from_page, backwards (reversed pages) for to_page.
        var walk = forward ? Sql.Query($"pages") : Sql.Query($"arrayReverse(pages)");
        var end = forward ? TransitionsReport.Exit : TransitionsReport.Entrance;
        var hops = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT hop AS distance, near AS near_path, far AS far_path, count() AS sessions
            FROM
            (
                SELECT arraySlice(walked, indexOf(walked, {page}), {depth + 1}) AS slice,
                    if(length(walked) - indexOf(walked, {page}) < {depth}, arrayPushBack(slice, {end}), slice) AS flow
                FROM
                (
                    SELECT {walk} AS walked
                    FROM ({sessions}) AS session_pages
                    WHERE has(pages, {page})
                ) AS page_sessions
            ) AS flows
            ARRAY JOIN arrayEnumerate(arrayPopBack(flow)) AS hop, arrayPopBack(flow) AS near, arrayPopFront(flow) AS far
            GROUP BY distance, near_path, far_path
            """), PathJson.Default.PathHop, ct);
        var (nodes, links) = Sankey(hops, forward, limit);
        return new PathsAnswer(page, forward ? "from" : "to", depth, OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), nodes, links);
    }

    /// <summary>
    /// Nodes and links from the hops (distance k: from the path k-1 steps away from P to the one k steps away). Every
    /// flow has one hop at each distance up to its length, so a node's sessions are the sum of the hops into it (at
    /// step 0, out of it). Per step the top <paramref name="limit"/> paths, the rest as "(other)".
    /// </summary>
    internal static (List<PathNode> Nodes, List<PathLink> Links) Sankey(IReadOnlyList<PathHop> hops, bool forward, int limit)
    {
        var counts = new Dictionary<(int Distance, string Path), long>();
        foreach (var hop in hops)
        {
            if (hop.Distance == 1) Add(counts, (0, hop.NearPath), hop.Sessions);
            Add(counts, (hop.Distance, hop.FarPath), hop.Sessions);
        }
        var kept = counts.GroupBy(c => c.Key.Distance).ToDictionary(g => g.Key, g => g
            .Where(c => c.Key.Path is not (TransitionsReport.Exit or TransitionsReport.Entrance))
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key.Path, StringComparer.Ordinal).Take(limit).Select(c => c.Key.Path).ToHashSet());
        string Node(int distance, string path) =>
            path is TransitionsReport.Exit or TransitionsReport.Entrance || kept[distance].Contains(path) ? path : BreakdownReport.Other;

        var nodeSessions = new Dictionary<(int, string), long>();
        foreach (var (key, sessions) in counts) Add(nodeSessions, (key.Distance, Node(key.Distance, key.Path)), sessions);
        var linkSessions = new Dictionary<((int, string) Near, (int, string) Far), long>();
        foreach (var hop in hops)
            Add(linkSessions, (((hop.Distance - 1), Node(hop.Distance - 1, hop.NearPath)), (hop.Distance, Node(hop.Distance, hop.FarPath))), hop.Sessions);

        var nodes = nodeSessions.OrderBy(n => forward ? n.Key.Item1 : -n.Key.Item1).ThenBy(n => n.Key.Item2 == BreakdownReport.Other ? 1 : 0).ThenByDescending(n => n.Value)
            .ThenBy(n => n.Key.Item2, StringComparer.Ordinal)
            .Select((n, i) => new PathNode(i, forward ? n.Key.Item1 : -n.Key.Item1, n.Key.Item2, n.Value)).ToList();
        var ids = nodes.ToDictionary(n => (forward ? n.Step : -n.Step, n.Path), n => n.Id);
        var links = linkSessions
            .Select(l => forward ? new PathLink(ids[l.Key.Near], ids[l.Key.Far], l.Value) : new PathLink(ids[l.Key.Far], ids[l.Key.Near], l.Value))
            .OrderBy(l => Math.Min(l.Source, l.Target)).ThenByDescending(l => l.Sessions).ThenBy(l => l.Source).ThenBy(l => l.Target).ToList();
        return (nodes, links);
    }

    static void Add<TKey>(Dictionary<TKey, long> sums, TKey key, long value) where TKey : notnull =>
        sums[key] = sums.GetValueOrDefault(key) + value;
}

public sealed record PathHop(int Distance, string NearPath, string FarPath, long Sessions);
