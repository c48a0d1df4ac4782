namespace Analytics.Crm.Rfm;

/// <summary>
/// The RFM part of the 360-degree view: the customer's scores and segment among the site's customers in the view's
/// A/B/C period (<see cref="RfmRanking"/>, the rule of <see cref="RfmSql"/>); scores and segment null when the customer
/// has no order in it (not scored).
/// </summary>
public sealed record CustomerRfm(DateTimeOffset From, DateTimeOffset To, int? R, int? F, int? M, string? Segment)
{
    public static CustomerRfm Of(RfmRanking ranking, string customerId, DateTimeOffset from, DateTimeOffset to) =>
        ranking.Of(customerId) is { } s ? new CustomerRfm(from, to, s.R, s.F, s.M, s.Segment) : new CustomerRfm(from, to, null, null, null, null);
}
