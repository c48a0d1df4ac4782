using System.Globalization;
using System.Text.Json;

namespace Analytics.Ingestion;

public readonly record struct FieldError(string Field, string Message);

/// <summary>
/// One event of a collect body as the page sent it, read field by field from JSON so that a wrong type in one
/// event rejects that event alone (with the field and the reason), never its neighbours.
/// </summary>
public sealed class RawEvent
{
    public string? Type;
    public long? Ts;
    public string? Url;
    public string? Referrer;
    public string? Title;
    public string? Vid;
    public string? Sid;
    public bool ConsentAnalytics;
    public bool ConsentMarketing;
    public bool HasConsent;
    public List<KeyValuePair<string, string>>? Props;
    public string? Screen;
    public string? Lang;
    public string? Name;
    public string? OrderId;
    public double? Revenue;
    public string? Currency;
    public string? CustomerId;
    /// <summary>An identify's hex(HMAC-SHA256(identify_secret, customer_id)); checked only where the site has a secret.</summary>
    public string? Signature;
    /// <summary>The fields of <c>survey_answer</c> and <c>rating</c> events (Crm/Surveys); other types ignore them.</summary>
    public Crm.Surveys.SurveyFields? Survey;

    public const int MaxPropValueLength = 1024;

    /// <summary>How deep "props" (and "items") may nest, the object itself counted: deeper rejects the event alone.</summary>
    public const int MaxPropsDepth = 10;

    public static RawEvent Read(JsonElement json, List<FieldError> errors)
    {
        try
        {
            return ReadFields(json, errors);
        }
        catch (InvalidOperationException)
        {
            // A property name with a lone surrogate escape: System.Text.Json cannot turn it into a string.
            errors.Add(new("", "The event holds text that is not valid Unicode."));
            return new RawEvent();
        }
    }

    static RawEvent ReadFields(JsonElement json, List<FieldError> errors)
    {
        var e = new RawEvent();
        List<FieldError>? surveyErrors = null; // reported for survey types only: other types ignore these fields, as before
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("", "An event must be a JSON object."));
            return e;
        }
        foreach (var property in json.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "type": e.Type = String(v, "type", errors); break;
                case "ts": e.Ts = Milliseconds(v, errors); break;
                case "url": e.Url = String(v, "url", errors); break;
                case "referrer": e.Referrer = String(v, "referrer", errors); break;
                case "title": e.Title = String(v, "title", errors); break;
                case "vid": e.Vid = String(v, "vid", errors); break;
                case "sid": e.Sid = String(v, "sid", errors); break;
                case "screen": e.Screen = String(v, "screen", errors); break;
                case "lang": e.Lang = String(v, "lang", errors); break;
                case "name": e.Name = String(v, "name", errors); break;
                case "order_id": e.OrderId = StringOrNumber(v, "order_id", errors); break;
                case "customer_id": e.CustomerId = StringOrNumber(v, "customer_id", errors); break;
                case "signature": e.Signature = String(v, "signature", errors); break;
                case "currency": e.Currency = String(v, "currency", errors); break;
                case "revenue": e.Revenue = Number(v, "revenue", errors); break;
                case "consent": ReadConsent(e, v, errors); break;
                case "props": if (ReadProps(v, errors) is { } props) (e.Props ??= []).AddRange(props); break;
                case "items":
                    if (DepthWithin(v, MaxPropsDepth)) (e.Props ??= []).Add(new("items", v.GetRawText()));
                    else errors.Add(new("items", $"may nest at most {MaxPropsDepth} levels deep"));
                    break;
                case "survey" or "question" or "choice" or "text" or "subject":
                    (e.Survey ??= new()).Set(property.Name, String(v, property.Name, surveyErrors ??= []));
                    break;
                case "score" or "stars":
                    (e.Survey ??= new()).Set(property.Name, Number(v, property.Name, surveyErrors ??= []));
                    break;
                default: break; // unknown fields are ignored: newer trackers may send more
            }
        }
        if (surveyErrors is not null && Crm.Surveys.SurveyFields.Types.Contains(e.Type ?? "")) errors.AddRange(surveyErrors);
        return e;
    }

    static string? String(JsonElement v, string field, List<FieldError> errors)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            if (TryGetString(v, out var text)) return text;
            errors.Add(new(field, "is not valid Unicode text (a lone surrogate escape)"));
            return null;
        }
        if (v.ValueKind == JsonValueKind.Null) return null;
        errors.Add(new(field, "must be a string"));
        return null;
    }

    static string? StringOrNumber(JsonElement v, string field, List<FieldError> errors) =>
        v.ValueKind == JsonValueKind.Number ? v.GetRawText() : String(v, field, errors);

    /// <summary>A finite number, also from a string ("12.5"); "NaN", "Infinity" and 1e400 (too large for a double) are refused.</summary>
    static double? Number(JsonElement v, string field, List<FieldError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        var parsed = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetDouble(out var n) ? n : double.NaN,
            JsonValueKind.String => double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : (double?)null,
            _ => null,
        };
        if (parsed is null) errors.Add(new(field, "must be a number"));
        else if (!double.IsFinite(parsed.Value)) errors.Add(new(field, "must be a finite number (not NaN, Infinity or beyond ±1.8e308)"));
        else return parsed;
        return null;
    }

    static long? Milliseconds(JsonElement v, List<FieldError> errors)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) && d >= 0 && d < 1e15) return (long)d;
        if (v.ValueKind == JsonValueKind.Null) return null;
        errors.Add(new("ts", "must be a time in milliseconds since 1970-01-01 (a non-negative number)"));
        return null;
    }

    static void ReadConsent(RawEvent e, JsonElement v, List<FieldError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return;
        if (v.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("consent", "must be an object like {\"analytics\": true, \"marketing\": false}"));
            return;
        }
        e.HasConsent = true;
        foreach (var purpose in v.EnumerateObject())
        {
            if (purpose.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add(new($"consent.{purpose.Name}", "must be true or false"));
                continue;
            }
            if (purpose.Name == "analytics") e.ConsentAnalytics = purpose.Value.GetBoolean();
            else if (purpose.Name == "marketing") e.ConsentMarketing = purpose.Value.GetBoolean();
        }
    }

    static List<KeyValuePair<string, string>>? ReadProps(JsonElement v, List<FieldError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("props", "must be an object of names to values"));
            return null;
        }
        if (!DepthWithin(v, MaxPropsDepth))
        {
            errors.Add(new("props", $"may nest at most {MaxPropsDepth} levels deep"));
            return null;
        }
        var props = new List<KeyValuePair<string, string>>();
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String && !TryGetString(p.Value, out _))
            {
                errors.Add(new($"props.{p.Name}", "is not valid Unicode text (a lone surrogate escape)"));
                continue;
            }
            var value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => "",
                _ => p.Value.GetRawText(),
            };
            props.Add(new(p.Name, value));
        }
        return props;
    }

    /// <summary>Whether <paramref name="v"/> nests no deeper than <paramref name="levels"/> (a scalar is 0, {} or [] is 1).</summary>
    internal static bool DepthWithin(JsonElement v, int levels)
    {
        if (v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) return true;
        if (levels == 0) return false;
        if (v.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in v.EnumerateObject())
                if (!DepthWithin(p.Value, levels - 1)) return false;
        }
        else
        {
            foreach (var item in v.EnumerateArray())
                if (!DepthWithin(item, levels - 1)) return false;
        }
        return true;
    }

    /// <summary>JSON may escape a lone surrogate (\ud800) that has no UTF-8 form; such text is refused, not stored.</summary>
    internal static bool TryGetString(JsonElement v, out string? text)
    {
        try
        {
            text = v.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }
}
