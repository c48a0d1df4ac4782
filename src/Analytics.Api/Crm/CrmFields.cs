using System.Globalization;
using System.Text.Json;

namespace Analytics.Crm;

/// <summary>One field error of an imported row, as the answer lists it.</summary>
public sealed record CrmFieldError(string Field, string Message);

/// <summary>An item of an order, as JSON (or a CSV cell of JSON) gives it.</summary>
public sealed record CrmOrderItem(string Sku, string Name, string Category, double Quantity, double Price);

/// <summary>
/// The fields of one imported row, whatever the body's format: JSON values or CSV cells read through one set of
/// typed getters. A value that does not convert adds an error for its field and reads as absent, so the row is
/// rejected with every reason at once.
/// </summary>
public abstract class CrmFields(List<CrmFieldError>? errors = null, string prefix = "")
{
    /// <summary>The row's errors; an item's fields share the list of their order.</summary>
    public List<CrmFieldError> Errors { get; } = errors ?? [];

    public abstract string? String(string field);
    public abstract double? Number(string field);
    public abstract bool? Bool(string field);
    /// <summary>Unix milliseconds (a number) or an ISO 8601 time with an offset or Z.</summary>
    public abstract DateTimeOffset? Time(string field);
    public abstract IReadOnlyList<string> StringList(string field);
    public abstract IReadOnlyList<KeyValuePair<string, string>> StringMap(string field);
    public abstract IReadOnlyList<CrmOrderItem> Items(string field);

    /// <summary>A string map from a JSON object: string, number and boolean values, as text.</summary>
    protected IReadOnlyList<KeyValuePair<string, string>> ParseMap(string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(field, "must be an object of string values");
            return [];
        }
        var map = new List<KeyValuePair<string, string>>();
        foreach (var property in value.EnumerateObject())
        {
            var text = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => null,
            };
            if (text is null) Fail($"{field}.{property.Name}", "must be a string, number or boolean");
            else map.Add(new(property.Name, text));
        }
        return map;
    }

    protected void Fail(string field, string message) => Errors.Add(new CrmFieldError(prefix + field, message));

    protected DateTimeOffset? ParseTime(string field, string text)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)) return FromMilliseconds(field, ms);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time;
        Fail(field, "must be Unix milliseconds or an ISO 8601 time such as 2026-05-01T10:00:00Z");
        return null;
    }

    protected DateTimeOffset? FromMilliseconds(string field, long ms)
    {
        // DateTime columns hold 1970 to 2106; milliseconds outside are a slip (seconds sent as ms, or the reverse)
        if (ms is >= 0 and <= 4_294_967_295_000L) return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        Fail(field, "must be Unix milliseconds between 1970 and 2106");
        return null;
    }

    protected double? ParseNumber(string field, string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        Fail(field, "must be a number (with a . as decimal point)");
        return null;
    }

    protected bool? ParseBool(string field, string text)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes": return true;
            case "false" or "0" or "no": return false;
            default: Fail(field, "must be true or false"); return null;
        }
    }

    /// <summary>Items from JSON: an array of objects with sku, name?, category?, quantity and price.</summary>
    protected IReadOnlyList<CrmOrderItem> ParseItems(string field, JsonElement items)
    {
        if (items.ValueKind != JsonValueKind.Array)
        {
            Fail(field, "must be an array of {sku, name?, category?, quantity, price}");
            return [];
        }
        var list = new List<CrmOrderItem>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var at = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Fail(at, "must be an object {sku, name?, category?, quantity, price}");
                continue;
            }
            var before = Errors.Count;
            var fields = new JsonFields(item, Errors, at + ".");
            var sku = fields.String("sku");
            var quantity = fields.Number("quantity");
            var price = fields.Number("price");
            var (name, category) = (fields.String("name"), fields.String("category"));
            if (Errors.Count > before) continue; // a value of the wrong type: reported, no second message
            if (string.IsNullOrEmpty(sku)) Fail(at + ".sku", "is required");
            if (quantity is null) Fail(at + ".quantity", "is required");
            else if (quantity < 0) Fail(at + ".quantity", "must not be negative");
            if (price is null) Fail(at + ".price", "is required");
            list.Add(new CrmOrderItem(sku ?? "", name ?? "", category ?? "", quantity ?? 0, price ?? 0));
        }
        return list;
    }
}

/// <summary>The fields of a JSON object (one element of the imported array, or an item of an order).</summary>
public sealed class JsonFields(JsonElement row, List<CrmFieldError>? errors = null, string prefix = "") : CrmFields(errors, prefix)
{
    bool TryGet(string field, out JsonElement value) =>
        row.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    public override string? String(string field)
    {
        if (!TryGet(field, out var value)) return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return value.GetString();
            case JsonValueKind.Number: return value.GetRawText(); // an id sent as a number is still that id
            default: Fail(field, "must be a string"); return null;
        }
    }

    public override double? Number(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)) return number;
        if (value.ValueKind == JsonValueKind.String) return ParseNumber(field, value.GetString()!);
        Fail(field, "must be a number");
        return null;
    }

    public override bool? Bool(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        if (value.ValueKind == JsonValueKind.String) return ParseBool(field, value.GetString()!);
        Fail(field, "must be true or false");
        return null;
    }

    public override DateTimeOffset? Time(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out var ms)) return FromMilliseconds(field, ms);
            Fail(field, "must be whole Unix milliseconds");
            return null;
        }
        if (value.ValueKind == JsonValueKind.String) return ParseTime(field, value.GetString()!);
        Fail(field, "must be Unix milliseconds or an ISO 8601 time");
        return null;
    }

    public override IReadOnlyList<string> StringList(string field)
    {
        if (!TryGet(field, out var value)) return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            Fail(field, "must be an array of strings");
            return [];
        }
        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    public override IReadOnlyList<KeyValuePair<string, string>> StringMap(string field)
    {
        if (!TryGet(field, out var value)) return [];
        return ParseMap(field, value);
    }

    public override IReadOnlyList<CrmOrderItem> Items(string field) => TryGet(field, out var value) ? ParseItems(field, value) : [];
}
