using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sites;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Analytics.Import;

/// <summary>
/// POST /api/import/events?site=KEY: NDJSON, one collect event a line plus the server-side <c>ip</c> and
/// <c>user_agent</c> and its own past <c>ts</c> (required; kept as given, not clamped like a client's clock).
/// Bots are stored flagged, as collect stores them. Skipped: malformed, invalid, too_old, future.
/// </summary>
public sealed class EventsImport(SiteStore sites, EventPipeline pipeline, Spool spool, IValidator<RawEvent> validator,
    IOptions<IngestionOptions> options, ILogger<EventsImport> logger, IdentifyLinks identifyLinks,
    Crm.Surveys.SurveyTexts surveyTexts)
{
    public const string Origin = "import";
    static readonly string[] MediaTypes = ["application/x-ndjson", "application/jsonl", "application/json", "text/plain"];
    static readonly JsonReaderOptions JsonOptions = new() { MaxDepth = 16 };

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        if (ImportRequest.FindSite(http.Request, sites, out var site) is { } noSite) return noSite;
        if (ImportRequest.OpenBody(http.Request, MediaTypes, out var body) is { } refused) return refused;
        return await ImportRequest.RunAsync(http, site, "events", options.Value, logger, () => ImportAsync(site, body, http.RequestAborted));
    }

    /// <summary>Imports the NDJSON lines of <paramref name="body"/> into <paramref name="site"/> (the endpoint's work, also the demo seed's).</summary>
    public async Task<(ImportReport Report, Exception? BodyError)> ImportAsync(Site site, System.IO.Pipelines.PipeReader body, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var window = new TimeWindow(now.AddDays(-site.RetentionDays).ToUnixTimeMilliseconds(), (now + ImportRequest.FutureTolerance).ToUnixTimeMilliseconds());
        var maxLineBytes = options.Value.MaxBodyBytes; // one event may be as large as a collect body
        var links = new ConcurrentQueue<IdentityLinkRow>(); // from the workers' threads
        var texts = new ConcurrentQueue<Crm.Surveys.SurveyTextRow>();

        void OnLine(ReadOnlySpan<byte> line, long number, ImportWorker worker)
        {
            var report = worker.Report;
            JsonDocument document;
            try
            {
                var reader = new Utf8JsonReader(line, JsonOptions);
                document = JsonDocument.ParseValue(ref reader);
                if (reader.BytesConsumed < line.Length && line[(int)reader.BytesConsumed..].Trim(" \t"u8).Length > 0)
                {
                    document.Dispose();
                    report.Skip(number, SkipReason.Malformed, null, "more than one JSON value on the line");
                    return;
                }
            }
            catch (JsonException e)
            {
                report.Skip(number, SkipReason.Malformed, null, "not JSON: " + e.Message);
                return;
            }
            using (document)
            {
                var json = document.RootElement;
                if (json.ValueKind != JsonValueKind.Object)
                {
                    report.Skip(number, SkipReason.Malformed, null, "a line must be one JSON object (an event)");
                    return;
                }
                var errors = new List<FieldError>();
                var raw = RawEvent.Read(json, errors);
                var ip = ReadIp(json, errors);
                var userAgent = ReadString(json, "user_agent", errors);
                if (errors.Count == 0 && raw.Ts is null) errors.Add(new("ts", "is required for imports: the event's time in milliseconds since 1970-01-01 UTC"));
                if (errors.Count == 0)
                    foreach (var failure in validator.Validate(raw).Errors) errors.Add(new(failure.PropertyName, failure.ErrorMessage));
                if (errors.Count == 0 && IdentifySignature.Check(raw, site) is { } unsigned) errors.Add(unsigned);
                if (errors.Count > 0)
                {
                    report.Skip(number, SkipReason.Invalid, errors[0].Field, errors[0].Message);
                    return;
                }
                if (window.Reason(raw.Ts!.Value) is { } timeReason)
                {
                    report.Skip(number, timeReason, "ts", timeReason == SkipReason.TooOld ? $"older than the site's retention of {site.RetentionDays} days" : "in the future");
                    return;
                }
                var client = new ClientContext(ip, userAgent ?? "", null, now);
                var row = pipeline.ToImportedRow(raw, site, client, raw.Ts.Value, Origin);
                worker.Add(row);
                if (IdentifyLinks.FromEvent(raw, row) is { } link) links.Enqueue(link);
                if (Crm.Surveys.SurveyTexts.FromEvent(raw, row) is { } text) texts.Enqueue(text);
            }
        }

        var result = await ImportRunner.RunAsync(body, maxLineBytes, OnLine, spool, ImportRequest.MaxSpoolWait(options.Value), ct);
        await identifyLinks.AppendAsync(links.ToList(), ImportRequest.MaxSpoolWait(options.Value), ct); // before the answer, as the events
        await surveyTexts.AppendAsync(texts.ToList(), ImportRequest.MaxSpoolWait(options.Value), ct);
        return result;
    }

    static IPAddress? ReadIp(JsonElement json, List<FieldError> errors)
    {
        var text = ReadString(json, "ip", errors);
        if (string.IsNullOrEmpty(text)) return null;
        if (IPAddress.TryParse(text, out var ip)) return ip;
        errors.Add(new("ip", "must be an IPv4 or IPv6 address"));
        return null;
    }

    static string? ReadString(JsonElement json, string field, List<FieldError> errors)
    {
        if (!json.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && RawEvent.TryGetString(v, out var text)) return text;
        errors.Add(new(field, "must be a string"));
        return null;
    }
}
