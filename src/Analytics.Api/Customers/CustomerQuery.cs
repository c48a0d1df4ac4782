using System.Globalization;
using Analytics.Shared;

namespace Analytics.Customers;

/// <summary>Query parameters of the customer endpoints, checked once: a bad one is a problem+json naming it.</summary>
public static class CustomerQuery
{
    public const int MaxPageSize = 200;

    /// <summary>A page number (from 1) or page size (1..<see cref="MaxPageSize"/>) parameter; absent means <paramref name="fallback"/>.</summary>
    public static int? Positive(HttpRequest request, string name, int fallback, int max, List<IResult> problems)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max) return value;
        problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", $"must be a whole number from 1 to {max}", name));
        return null;
    }

    /// <summary>
    /// The A/B/C period: <c>from</c> and <c>to</c> as ISO-8601 dates or date-times (UTC without an offset); by default the
    /// last <see cref="CustomerOptions.AbcMonths"/> months up to now.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To, bool Default) AbcPeriod(HttpRequest request, CustomerOptions options, DateTimeOffset now, List<IResult> problems)
    {
        var named = request.Query.ContainsKey("from") || request.Query.ContainsKey("to");
        var to = Time(request, "to", problems) ?? now;
        var from = Time(request, "from", problems) ?? to.AddMonths(-options.AbcMonths);
        if (problems.Count == 0 && from >= to)
            problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "must be before 'to'", "from"));
        return (from, to, !named);
    }

    static DateTimeOffset? Time(HttpRequest request, string name, List<IResult> problems)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            && value.Year is >= 1970 and < 2106)
            return value;
        problems.Add(Problems.Field(StatusCodes.Status400BadRequest, "Invalid parameter", "must be an ISO-8601 date or date-time", name));
        return null;
    }
}
