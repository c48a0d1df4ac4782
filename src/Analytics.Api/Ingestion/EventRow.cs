using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>
/// One row of the <c>events</c> table, exactly as stored: enriched, anonymised (no IP field exists).
/// Its columns, their order and encoding are defined once, in <see cref="EventColumns"/>.
/// </summary>
public sealed class EventRow
{
    public const string Table = EventColumns.TableName;
    public static IReadOnlyList<string> Columns => EventColumns.Definition.ColumnNames;

    public Guid EventId;
    public string SiteId = "";
    public DateTimeOffset ReceivedAt;
    public long TsMs;
    public string Type = "";
    public string Name = "";
    public string Url = "";
    public string Hostname = "";
    public string Path = "";
    public string Referrer = "";
    public string Title = "";
    public string Vid = "";
    public string Sid = "";
    public string CustomerId = "";
    public string OrderId = "";
    public double Revenue;
    public string Currency = "";
    public bool ConsentAnalytics;
    public bool ConsentMarketing;
    public List<string> PropsKeys = [];
    public List<string> PropsValues = [];
    public string Screen = "";
    public string Lang = "";
    public string Browser = "";
    public string BrowserVersion = "";
    public string Os = "";
    public string OsVersion = "";
    public string Device = "";
    public string DeviceFamily = "";
    public string Country = "";
    public string Region = "";
    public string City = "";
    public string Channel = "";
    public string Source = "";
    public string UtmSource = "";
    public string UtmMedium = "";
    public string UtmCampaign = "";
    public string UtmTerm = "";
    public string UtmContent = "";
    public bool IsBot;
    /// <summary>Where the row came from: collect, import or access_log.</summary>
    public string Origin = "collect";

    public void Write(RowBinaryWriter w) => EventColumns.Definition.Write(this, w);
}
