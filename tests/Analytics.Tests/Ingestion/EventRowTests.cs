using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Tests.Ingestion;

public class EventRowTests
{
    [Fact]
    public void The_spooled_row_key_reads_back_id_site_and_time_from_the_row_bytes()
    {
        var row = new EventRow
        {
            EventId = Guid.CreateVersion7(), SiteId = "site-é-1", ReceivedAt = DateTimeOffset.FromUnixTimeSeconds(1764000100),
            TsMs = 1764000000123, Type = "pageview", Url = "https://shop.example/",
        };
        using var writer = new RowBinaryWriter();
        row.Write(writer);
        var key = EventColumns.Definition.ReadKey(writer.WrittenSpan, EventColumns.Definition.CurrentLayout);
        Assert.Equal(row.EventId, key.EventId);
        Assert.Equal("site-é-1", key.SiteId);
        Assert.Equal(1764000000u, key.Ts);
    }

    [Fact]
    public void Strings_are_length_prefixed_in_LEB128_and_UUIDs_are_two_little_endian_halves()
    {
        using var writer = new RowBinaryWriter();
        writer.String(new string('a', 300));
        Assert.Equal([0xAC, 0x02], writer.WrittenSpan[..2].ToArray()); // 300 = 0b10_0101100
        writer.Clear();
        writer.Uuid(Guid.Parse("61f0c404-5cb3-11e7-907b-a6006ad3dba0"));
        Assert.Equal(Convert.FromHexString("e711b35c04c4f061a0dbd36a00a67b90"), writer.WrittenSpan.ToArray());
    }
}
