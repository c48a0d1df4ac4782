using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>
/// One row of the <c>events</c> table, exactly as stored: enriched, anonymised (no IP field exists).
/// <see cref="Write"/> and <see cref="Columns"/> must follow the same order; <see cref="SpooledRowKey"/> reads
/// the first four columns back from the bytes.
/// </summary>
public sealed class EventRow
{
    public const string Table = "events";

    public static readonly IReadOnlyList<string> Columns =
    [
        "event_id", "site_id", "received_at", "ts", "ts_ms", "type", "name", "url", "hostname", "path", "referrer", "title",
        "vid", "sid", "customer_id", "order_id", "revenue", "currency", "consent_analytics", "consent_marketing",
        "props_keys", "props_values", "screen", "lang",
        "browser", "browser_version", "os", "os_version", "device", "device_family", "country", "region", "city",
        "channel", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "is_bot", "origin",
    ];

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

    public void Write(RowBinaryWriter w)
    {
        w.Uuid(EventId);
        w.String(SiteId);
        w.DateTime(ReceivedAt);
        w.DateTime(DateTimeOffset.FromUnixTimeMilliseconds(TsMs));
        w.UInt64((ulong)TsMs);
        w.String(Type);
        w.String(Name);
        w.String(Url);
        w.String(Hostname);
        w.String(Path);
        w.String(Referrer);
        w.String(Title);
        w.String(Vid);
        w.String(Sid);
        w.String(CustomerId);
        w.String(OrderId);
        w.Float64(Revenue);
        w.String(Currency);
        w.Bool(ConsentAnalytics);
        w.Bool(ConsentMarketing);
        w.StringArray(PropsKeys);
        w.StringArray(PropsValues);
        w.String(Screen);
        w.String(Lang);
        w.String(Browser);
        w.String(BrowserVersion);
        w.String(Os);
        w.String(OsVersion);
        w.String(Device);
        w.String(DeviceFamily);
        w.String(Country);
        w.String(Region);
        w.String(City);
        w.String(Channel);
        w.String(Source);
        w.String(UtmSource);
        w.String(UtmMedium);
        w.String(UtmCampaign);
        w.String(UtmTerm);
        w.String(UtmContent);
        w.Bool(IsBot);
        w.String(Origin);
    }
}

/// <summary>What the writer needs to find a spooled row in ClickHouse again: its id, site and time.</summary>
public readonly record struct SpooledRowKey(Guid EventId, string SiteId, uint Ts)
{
    public static SpooledRowKey Read(ReadOnlySpan<byte> row)
    {
        var high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(row);
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(row[8..]);
        Span<byte> bigEndian = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bigEndian, high);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bigEndian[8..], low);
        var id = new Guid(bigEndian, bigEndian: true);
        var offset = 16;
        ulong length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = row[offset++];
            length |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        var site = System.Text.Encoding.UTF8.GetString(row.Slice(offset, (int)length));
        offset += (int)length + 4; // skip received_at
        var ts = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(row[offset..]);
        return new SpooledRowKey(id, site, ts);
    }
}
