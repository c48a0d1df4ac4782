using System.Buffers;
using System.Text.Json;
using Analytics.Enrichment.UserAgents;
using Analytics.Identity;
using Analytics.Sites;
using Analytics.Shared;
using Analytics.Storage;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestion;

/// <summary>
/// POST /api/collect: the tracker's endpoint, the only one without authentication. Checks run cheapest first;
/// each refusal is a problem+json that names what is wrong. Valid events are spooled (and so safe) before the 202.
/// </summary>
public sealed class CollectEndpoint(
    SiteStore sites, EventPipeline pipeline, Spool spool, IValidator<RawEvent> validator, IngestionMetrics metrics,
    IOptions<IngestionOptions> options, IdentifyLinks identifyLinks, Crm.Surveys.SurveyTexts surveyTexts)
{
    // Generous on purpose: a too deep "props" rejects its own event (RawEvent.MaxPropsDepth), not the whole batch.
    static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };
    readonly IngestionOptions settings = options.Value;

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        metrics.Requests.Add();
        var (outcome, buffer, length) = await CollectBody.ReadAsync(http.Request, settings.MaxBodyBytes, http.RequestAborted,
            TimeSpan.FromSeconds(settings.BodyTimeoutSeconds));
        if (outcome == CollectBody.Outcome.WrongContentType)
            return Refuse(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Send the body as application/json or text/plain.", "content-type");
        if (outcome == CollectBody.Outcome.TooLarge)
            return Refuse(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body may be at most {settings.MaxBodyBytes} bytes.", "body");
        try
        {
            return Handle(http, buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    IResult Handle(HttpContext http, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonOptions);
        }
        catch (JsonException e)
        {
            return Refuse(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {e.Message}", "body");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Refuse(StatusCodes.Status400BadRequest, "Malformed body", "The body must be a JSON object with \"site\" and \"events\".", "body");
            if (!root.TryGetProperty("site", out var siteKey) || siteKey.ValueKind != JsonValueKind.String
                || !RawEvent.TryGetString(siteKey, out var key) || string.IsNullOrEmpty(key))
                return Refuse(StatusCodes.Status400BadRequest, "Missing site", "\"site\" must be the site key of the snippet (a string).", "site");
            if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
                return Refuse(StatusCodes.Status400BadRequest, "Missing events", "\"events\" must be an array of events.", "events");
            if (sites.FindByKey(key) is not { } site)
                return Refuse(StatusCodes.Status403Forbidden, "Unknown site", "No site has this key.", "site");
            var origin = http.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && !site.AllowsOrigin(origin))
                return Refuse(StatusCodes.Status403Forbidden, "Origin not allowed", $"Pages of {origin} may not send events for this site; add the domain to the site.", "origin");
            var count = events.GetArrayLength();
            if (count > settings.MaxEventsPerBatch)
                return Refuse(StatusCodes.Status413PayloadTooLarge, "Too many events", $"A batch may hold at most {settings.MaxEventsPerBatch} events; it holds {count}.", "events");
            return Accept(http, site, events, count);
        }
    }

    IResult Accept(HttpContext http, Site site, JsonElement events, int count)
    {
        var client = new ClientContext(http.Connection.RemoteIpAddress, http.Request.Headers.UserAgent.ToString(),
            ClientHints.FromHeaders(http.Request.Headers), DateTimeOffset.UtcNow);
        var rejected = new List<RejectedEvent>();
        List<IdentityLinkRow>? links = null;
        List<Crm.Surveys.SurveyTextRow>? texts = null;
        using var rows = new RowBinaryWriter(count * 512);
        var lengths = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var accepted = 0;
            var index = 0;
            foreach (var json in events.EnumerateArray())
            {
                var errors = new List<FieldError>();
                var raw = RawEvent.Read(json, errors);
                if (errors.Count == 0)
                {
                    var validation = validator.Validate(raw);
                    foreach (var failure in validation.Errors) errors.Add(new(failure.PropertyName, failure.ErrorMessage));
                    if (errors.Count == 0 && IdentifySignature.Check(raw, site) is { } unsigned) errors.Add(unsigned);
                }
                if (errors.Count > 0)
                    rejected.Add(new RejectedEvent(index, errors));
                else
                {
                    var start = rows.Length;
                    var row = pipeline.ToRow(raw, site, client);
                    row.Write(rows);
                    lengths[accepted++] = rows.Length - start;
                    if (IdentifyLinks.FromEvent(raw, row) is { } link) (links ??= []).Add(link);
                    if (Crm.Surveys.SurveyTexts.FromEvent(raw, row) is { } text) (texts ??= []).Add(text);
                }
                index++;
            }
            if (accepted > 0)
            {
                try
                {
                    // Links first: a full event spool then answers 503 and the retry makes the same link again (harmless),
                    // where the other order could store an identify whose link is lost.
                    if (links is not null) identifyLinks.Append(links);
                    if (texts is not null) surveyTexts.Append(texts); // the same order for the same reason
                    spool.Append(rows.WrittenSpan, lengths.AsSpan(0, accepted));
                }
                catch (SpoolFullException e)
                {
                    http.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString();
                    return Refuse(StatusCodes.Status503ServiceUnavailable, "Spool full", e.Message + " Retry later.", "");
                }
            }
            metrics.Accepted.Add(accepted);
            metrics.Rejected.Add(rejected.Count);
            return TypedResults.Json(new CollectResponse(accepted, rejected), IngestionJson.Default.CollectResponse, statusCode: StatusCodes.Status202Accepted);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(lengths);
        }
    }

    IResult Refuse(int status, string title, string detail, string field)
    {
        metrics.RefusedRequests.Add();
        return Problems.Field(status, title, detail, field);
    }
}
