using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Reports;
using Analytics.Reports.Filters;
using Analytics.Sessions;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Affinity;

/// <summary>
/// <c>GET /api/reports/affinity?sku=X</c>: the products bought together with X (same order) and bought after a view of X
/// in the same session, with support, confidence and lift (docs/crm-analytics.md "Cross- and up-selling"). Without
/// <c>sku</c>: the pairs of products by lift that reach <c>min_support</c>. Rows by lift, support, product names.
/// </summary>
public sealed record AffinityReport(ReportInput Input, string? Sku, string? MinSupport, string? Limit, ClaimsPrincipal User, DateTimeOffset Now)
    : IReport<AffinityAnswer>
{
    public const int DefaultLimit = 20;
    public const double DefaultMinSupport = 0.01;

    public string Report => "affinity";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"sku={Sku}&min_support={MinSupport}&limit={Limit}";

    /// <summary>Without a sku the default keeps pairs in 1 % of the units; with one every product counts.</summary>
    public double MinSupportValue => MinSupport is { } m ? double.Parse(m, NumberStyles.Float, CultureInfo.InvariantCulture) : Sku is null ? DefaultMinSupport : 0;
    public int LimitValue => Limit is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : DefaultLimit;
}

public sealed class AffinityValidator : AbstractValidator<AffinityReport>
{
    public AffinityValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Sku).Must(s => s!.Trim().Length > 0 && s.Length <= 200).When(r => r.Sku is not null)
            .OverridePropertyName("sku").WithMessage("sku names a product: 1 to 200 characters, not blank.");
        RuleFor(r => r.MinSupport).Must(IsShare).When(r => r.MinSupport is not null)
            .OverridePropertyName("min_support").WithMessage("min_support is a share from 0 to 1, e.g. 0.01.");
        RuleFor(r => r.Limit).Must(l => ReportLimits.IsValid(l, ReportOptions.MaxBreakdownRows)).When(r => r.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"limit is a whole number from 1 to {ReportOptions.MaxBreakdownRows}.");
    }

    static bool IsShare(string? text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var share) && share is >= 0 and <= 1;
}

/// <summary>One association: <c>other</c> with <c>product</c>; <c>count</c> units hold both (confidence = P(other | product)).</summary>
public sealed record AffinityRule(string Product, string Other, long Count, double Support, double Confidence, double Lift);

public sealed record AffinityAnswer(string? Sku, string From, string To, long Baskets, long Sessions,
    IReadOnlyList<AffinityRule> BoughtTogether, IReadOnlyList<AffinityRule> ViewedThenBought) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["relation", "product", "other", "count", "support", "confidence", "lift"],
        BoughtTogether.Select(r => Row("bought_together", r)).Concat(ViewedThenBought.Select(r => Row("viewed_then_bought", r))).ToList());

    static IReadOnlyList<object> Row(string relation, AffinityRule r) => [relation, r.Product, r.Other, r.Count, r.Support, r.Confidence, r.Lift];
}

public sealed class AffinityHandler(IClickHouse clickHouse, ReportSql reportSql, SessionProductViews productViews,
    IOptions<Analytics.Sessions.SessionOptions> sessionOptions)
    : IRequestHandler<AffinityReport, AffinityAnswer>
{
    public async ValueTask<AffinityAnswer> Handle(AffinityReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var (sku, minSupport, limit) = (request.Sku, request.MinSupportValue, request.LimitValue);
        var site = scope.Site.Id;
        var basketsTask = clickHouse.QueryListAsync(AffinitySql.BasketCounts(AffinitySql.Baskets(scope), sku is null ? null : [sku], minSupport), AffinityRows.Default.AffinityCountRow, ct);
        // Sessions are units of visits here, whoever's: no person (no identity links read). Whole days of the range are
        // counted from their product views per day where those still match the stored sessions; only their sessions with a
        // purchase are read (10 M events, 28 days: 87 k of 2.2 M sessions).
        var (days, sessions) = await reportSql.SessionsLessDaysAsync(scope, (candidates, t) => productViews.CountedAsync(site, candidates, t), ct,
            withoutPerson: true, withShopping: true);
        var (dayViews, dayBuying) = days.Count == 0 ? (null, null)
            : ((Sql?)SessionProductViews.Views(site, days, sku), (Sql?)productViews.BuyingSessions(site, days));
        // The views per product and the number of sessions; and only the sessions with a purchase, for the items bought and
        // the pairs. With a sku its pairs are the only ones, so both run at once (a sku never viewed forms no pair); without,
        // the views come first and decide which products are viewed often enough to reach the minimum support.
        var orders = AffinitySql.OrderFacts(site, scope.FromMs, scope.ToMs + (long)sessionOptions.Value.Tail.TotalMilliseconds);
        var skuSessionsTask = sku is null ? null
            : clickHouse.QueryListAsync(AffinitySql.SessionCounts(sessions, orders, [sku], 1, dayBuying), AffinityRows.Default.AffinityCountRow, ct);
        var views = await clickHouse.QueryListAsync(AffinitySql.SessionViews(sessions, sku, dayViews), AffinityRows.Default.AffinityCountRow, ct);
        var sessionCount = views.Where(r => r.Product == "").Sum(r => r.Units);
        var viewedCounts = views.Where(r => r.Product != "").ToDictionary(r => r.Product, r => r.Units);
        var minSessions = sku is not null ? 1 : Math.Max(1, (long)Math.Ceiling(minSupport * sessionCount - 1e-9));
        var viewed = viewedCounts.Where(v => v.Value >= minSessions).Select(v => v.Key).Order(StringComparer.Ordinal).ToList();
        var sessionRows = skuSessionsTask is not null ? await skuSessionsTask
            : viewed.Count == 0 ? []
            : await clickHouse.QueryListAsync(AffinitySql.SessionCounts(sessions, orders, viewed, minSessions, dayBuying), AffinityRows.Default.AffinityCountRow, ct);
        var basketRows = await basketsTask;

        var baskets = basketRows.Where(r => r.Kind == "all").Sum(r => r.Units);
        var together = AffinityMeasures.Rules(baskets, basketRows.Where(r => r.Kind == "item").ToDictionary(r => r.Other, r => r.Units),
            basketRows.Where(r => r.Kind == "item").ToDictionary(r => r.Other, r => r.Units),
            basketRows.Where(r => r.Kind == "pair").Select(r => (r.Product, r.Other, r.Units)), symmetric: sku is null);
        var viewedThenBought = AffinityMeasures.Rules(sessionCount, viewedCounts,
            sessionRows.Where(r => r.Kind == "item").ToDictionary(r => r.Other, r => r.Units),
            sessionRows.Where(r => r.Kind == "pair").Select(r => (r.Product, r.Other, r.Units)), symmetric: false);
        return new AffinityAnswer(sku, OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), baskets, sessionCount,
            AffinityMeasures.Top(together, baskets, minSupport, limit), AffinityMeasures.Top(viewedThenBought, sessionCount, minSupport, limit));
    }
}

public sealed record AffinityCountRow(string Kind, string Product, string Other, long Units);

[JsonSerializable(typeof(AffinityCountRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class AffinityRows : JsonSerializerContext;
