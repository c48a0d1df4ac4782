using System.Text.Json;
using Analytics.Crm;

namespace Analytics.Tests.Crm;

/// <summary>Reading one imported row's fields from JSON and from CSV cells: the same values, the same errors.</summary>
public sealed class CrmFieldsTests
{
    static JsonFields Json(string json) => new(JsonDocument.Parse(json).RootElement.Clone());

    static CsvFields Csv(string header, params string[] cells) => new(new CsvHeader(header.Split(',')), cells);

    [Theory]
    [InlineData("1777629600000", 1777629600L)]
    [InlineData("2026-05-01T10:00:00Z", 1777629600L)]
    [InlineData("2026-05-01T12:00:00+02:00", 1777629600L)]
    [InlineData("2026-05-01 10:00:00", 1777629600L)] // no offset: UTC
    public void Times_are_milliseconds_or_iso_8601(string text, long unixSeconds)
    {
        Assert.Equal(unixSeconds, Csv("ts", text).Time("ts")!.Value.ToUnixTimeSeconds());
        var json = long.TryParse(text, out var ms) ? Json($$"""{"ts": {{ms}}}""") : Json($$"""{"ts": "{{text}}"}""");
        Assert.Equal(unixSeconds, json.Time("ts")!.Value.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-5")]
    [InlineData("99999999999999999")]
    public void A_bad_time_is_an_error_of_its_field(string text)
    {
        var fields = Csv("id,ts", "1", text);
        Assert.Null(fields.Time("ts"));
        Assert.Equal("ts", Assert.Single(fields.Errors).Field);
    }

    [Fact]
    public void Numbers_booleans_and_lists_read_alike_from_json_and_csv()
    {
        var json = Json("""{"revenue": 12.5, "consent": true, "vids": ["a", "b"], "empty": null}""");
        var csv = Csv("revenue,consent,vids,empty", "12.5", "yes", " a ; b ;", "");
        foreach (CrmFields f in new CrmFields[] { json, csv })
        {
            Assert.Equal(12.5, f.Number("revenue"));
            Assert.True(f.Bool("consent"));
            Assert.Equal(["a", "b"], f.StringList("vids"));
            Assert.Null(f.String("empty"));
            Assert.Null(f.String("missing"));
            Assert.Empty(f.Errors);
        }
    }

    [Fact]
    public void Wrong_types_name_their_field_and_item()
    {
        var fields = Json("""{"revenue": "12,5", "consent": "maybe", "vids": "a", "items": [{"sku": "A", "quantity": "two", "price": 1}, 7, {"quantity": 1, "price": 1}]}""");
        Assert.Null(fields.Number("revenue"));
        Assert.Null(fields.Bool("consent"));
        Assert.Empty(fields.StringList("vids"));
        fields.Items("items");
        Assert.Equal(["revenue", "consent", "vids", "items[0].quantity", "items[1]", "items[2].sku"], fields.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Csv_attributes_come_from_dotted_columns_and_a_json_cell()
    {
        var fields = Csv("customer_id,attributes,attributes.tier,attributes.city", "C1", """{"since": 2019}""", "gold", "");
        Assert.Equal([new("since", "2019"), new KeyValuePair<string, string>("tier", "gold")], fields.StringMap("attributes"));
        Assert.Empty(fields.Errors);
        var broken = Csv("attributes", "{not json");
        Assert.Empty(broken.StringMap("attributes"));
        Assert.Equal("attributes", Assert.Single(broken.Errors).Field);
    }
}
