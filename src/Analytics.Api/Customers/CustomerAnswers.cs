using System.Text.Json.Serialization;

namespace Analytics.Customers;

// The answers of GET /api/customers/{id} and GET /api/customers (docs/customers.md names every field).
using Skip = JsonIgnoreAttribute;

public sealed record CustomerView(
    string CustomerId, CustomerProfile? Profile, string Class, AbcStanding Abc, double LifetimeRevenue, long Orders, double AverageOrderValue,
    DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen, ClvAnswer Clv, IReadOnlyList<ContactItem> OpenComplaints, ContactItem? LastServiceContact,
    IReadOnlyList<LinkedVisitor> Visitors, ConsentState Consent, Paged<SessionItem> Sessions, Paged<TimelineItem> Timeline,
    IReadOnlyList<JourneyPhase> Journey)
{
    /// <summary>Revenue, margin, acquisition and service cost and contribution margin over all time (docs/crm-analytics.md); null without orders or contacts.</summary>
    public Analytics.Crm.Value.CustomerValueRow? Value { get; init; }
    /// <summary>The customer's survey answers and ratings, newest first, with their free text (Crm/Surveys).</summary>
    public IReadOnlyList<Crm.Surveys.SurveyAnswerItem> SurveyAnswers { get; init; } = [];
    /// <summary>The customer's RFM scores and segment in the A/B/C period (docs/crm-analytics.md "RFM").</summary>
    public Analytics.Crm.Rfm.CustomerRfm? Rfm { get; init; }
    /// <summary>Every order of the customer, newest first, with the CRM's figures where it has them (<c>orders</c> counts those not returned).</summary>
    public IReadOnlyList<OrderItem> OrderHistory { get; init; } = [];
    /// <summary>Cross- and up-selling for the customer (docs/crm-analytics.md "Recommendations for one customer").</summary>
    public Analytics.Crm.Affinity.Recommendations? Recommendations { get; init; }
}

public sealed record CustomerProfile(string Email, string Name, string Segment, DateTimeOffset? CreatedAt, Dictionary<string, string> Attributes,
    MarketingConsent? MarketingConsent);
public sealed record MarketingConsent(bool Granted, DateTimeOffset? At);
public sealed record AbcStanding(DateTimeOffset From, DateTimeOffset To, double Revenue, double RevenueAbove, double Total);
public sealed record ClvAnswer(double Historic, double Predicted, double? PredictedMargin, double OrdersPerYear, double LifetimeYears);
/// <summary>One order of the 360-degree view: <c>source</c> crm or tracker; the visitor of its first purchase event, if any.</summary>
public sealed record OrderItem(string OrderId, DateTimeOffset Ts, double Revenue, string Currency, double? CostOfGoods, bool Returned, string Source, string? VisitorId);
public sealed record ContactItem(string ContactId, DateTimeOffset Ts, string Channel, string Direction, string Kind, string Subject, string Outcome, double Cost);
public sealed record LinkedVisitor(string VisitorId, string Source, DateTimeOffset LinkedAt, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen);
public sealed record ConsentState(ConsentPurpose? Analytics, ConsentPurpose? Marketing);
public sealed record ConsentPurpose(bool Granted, DateTimeOffset At, string VisitorId, string PolicyVersion, string Source);
public sealed record Paged<T>(int Page, int PageSize, long Total, IReadOnlyList<T> Items);

public sealed record SessionItem(string VisitorId, DateTimeOffset Start, DateTimeOffset End, long DurationMs, long Events, long Pageviews, bool Bounce,
    string EntryPath, string ExitPath, string Channel, string Source, string Campaign, string Device, string Browser, string Os, string Country);

/// <summary>One item of the timeline: <c>kind</c> event, order or contact, and the fields of that kind (others absent).</summary>
public sealed record TimelineItem(string Kind, DateTimeOffset Ts)
{
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? EventId { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Path { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? VisitorId { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Channel { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Source { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OrderId { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Revenue { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Currency { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? CostOfGoods { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Returned { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OrderSource { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ContactId { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Direction { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ContactKind { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subject { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Outcome { get; init; }
    [Skip(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Cost { get; init; }
}

public sealed record CustomerList(int Page, int PageSize, long Total, IReadOnlyList<CustomerListItem> Customers);
public sealed record CustomerListItem(string CustomerId, string Name, string Email, string Segment, string Class, double Revenue, long Orders,
    DateTimeOffset? LastSeen, double ClvHistoric, double ClvPredicted);
