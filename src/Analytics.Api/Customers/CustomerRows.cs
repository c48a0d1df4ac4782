using System.Text.Json.Serialization;
using Analytics.Sessions;

namespace Analytics.Customers;

// Rows read from ClickHouse for the customer view and list (snake_case columns; times as Unix seconds or ms).
public sealed record ProfileRow(string CustomerId, string Email, string Name, string Segment, long CreatedS, List<string> AttributeKeys,
    List<string> AttributeValues, int MarketingConsent, long MarketingConsentS);
public sealed record LinkRow(string VisitorId, string Source, long LinkedS);
public sealed record CustomerOrderRow(string OrderId, string Vid, long TsS, double Revenue, string Currency, double CostOfGoods,
    int HasCostOfGoods, int Returned, string Source, long PurchaseMs);
public sealed record ContactRow(string ContactId, long TsS, string Channel, string Direction, string Kind, string Subject, string Outcome, double Cost);
public sealed record ConsentProofRow(string Vid, long ReceivedS, int Analytics, int Marketing, string PolicyVersion, string Source);
public sealed record TimelineEventRow(string EventId, long TsMs, string Type, string Name, string Path, string Vid, string Channel,
    string Source, string OrderId, double Revenue, string Currency);
public sealed record StandingRow(double Revenue, double Above, double Total);
public sealed record RevenueRow(string CustomerId, double Revenue);
public sealed record StandingsRow(string CustomerId, double Revenue, long Orders, long LastOrderS, double RfmRevenue);
public sealed record OrderIdRow(string OrderId);
public sealed record CrmCustomerRow(string CustomerId, string Name, string Email, string Segment);
public sealed record LastSeenRow(string CustomerId, long LastSeenMs);

[JsonSerializable(typeof(ProfileRow))]
[JsonSerializable(typeof(LinkRow))]
[JsonSerializable(typeof(CustomerOrderRow))]
[JsonSerializable(typeof(CrmOrderRow))]
[JsonSerializable(typeof(ContactRow))]
[JsonSerializable(typeof(ConsentProofRow))]
[JsonSerializable(typeof(StandingRow))]
[JsonSerializable(typeof(RevenueRow))]
[JsonSerializable(typeof(StandingsRow))]
[JsonSerializable(typeof(OrderIdRow))]
[JsonSerializable(typeof(CrmCustomerRow))]
[JsonSerializable(typeof(CustomerTotalRow))]
[JsonSerializable(typeof(LastSeenRow))]
[JsonSerializable(typeof(SessionRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class CustomerRowsJson : JsonSerializerContext;
