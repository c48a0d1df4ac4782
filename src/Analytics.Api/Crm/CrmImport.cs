using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Import;
using Analytics.Ingestion;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using CsvHelper;
using Microsoft.Extensions.Options;

namespace Analytics.Crm;

/// <summary>The answer of a CRM import.</summary>
public sealed record CrmImportReport(long RowsRead, long Upserted, long RejectedTotal, bool RejectedTruncated, IReadOnlyList<CrmRejectedRow> Rejected);

public sealed record CrmRejectedRow(long Row, IReadOnlyList<CrmFieldError> Errors);

[JsonSerializable(typeof(CrmImportReport))]
[JsonSerializable(typeof(JsonElement))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class CrmJson : JsonSerializerContext;

/// <summary>
/// POST /api/crm/{customers|orders|contacts}: a JSON array or a CSV with a header, read row by row from the
/// (optionally gzipped) body and never held whole; each row converted and validated on its own (a bad row is
/// listed with its number and fields, the others are stored); good rows inserted in batches of
/// <see cref="BatchRows"/>, so memory stays bounded whatever the body's size.
/// </summary>
public sealed class CrmImport(IClickHouse clickHouse, SiteStore sites, CrmLinkSink.Factory links, IOptions<IngestionOptions> options, ILogger<CrmImport> logger)
{
    public const int BatchRows = 5000;
    /// <summary>The answer lists the first rejected rows only; <c>rejected_total</c> counts them all.</summary>
    public const int MaxRejectedListed = 100;

    /// <summary>The largest CSV record: far above any real row, small enough that a runaway quote fails fast.</summary>
    const int MaxCsvRecordBytes = 1 << 20;

    static readonly string[] MediaTypes = ["application/json", "text/csv"];

    public async Task<IResult> HandleAsync<TRow>(HttpContext http, CrmEntity<TRow> entity, string idField)
    {
        // The one site lookup of a CRM request; RequireSiteAccess on the group has checked membership.
        if (ImportRequest.FindSite(http.Request, sites, out var site) is { } noSite) return noSite;
        var mediaType = (http.Request.ContentType ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();
        if (!MediaTypes.Contains(mediaType))
            return Problems.Field(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                "Send the body as application/json (an array of objects) or text/csv (with a header).", "content-type");
        if (ImportRequest.OpenBody(http.Request, MediaTypes, out var body) is { } badBody) return badBody;

        var run = new Run<TRow>(entity, site.Id, clickHouse, links.Open(ImportRequest.MaxSpoolWait(options.Value)));
        var ct = http.RequestAborted;
        try
        {
            await using var stream = body.AsStream();
            if (mediaType == "text/csv")
            {
                if (await ReadCsvAsync(stream, run, idField, ct) is { } badHeader) return badHeader;
            }
            else await ReadJsonAsync(stream, run, ct);
        }
        catch (Exception e) when (e is JsonException or CsvFormatException or InvalidDataException or DecoderFallbackException)
        {
            await run.FlushAsync(ct);
            logger.LogInformation("CRM {Kind} import for site {SiteKey} broke off after {Rows} rows: {Error}", entity.Table, site.Key, run.RowsRead, e.Message);
            return Problems.Field(StatusCodes.Status400BadRequest, "Unreadable body",
                $"The body could not be read after {run.RowsRead} rows ({run.Upserted} upserted, and kept): {e.Message}", "body");
        }
        catch (SpoolFullException e)
        {
            http.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Problems.Field(StatusCodes.Status503ServiceUnavailable, "Spool full",
                e.Message + $" The identity links of the rows read so far ({run.RowsRead}) could not all be kept; retry the import later.", "");
        }
        finally
        {
            run.Dispose();
        }
        logger.LogInformation("Imported CRM {Kind} for site {SiteKey}: {Rows} rows, {Upserted} upserted, {Rejected} rejected",
            entity.Table, site.Key, run.RowsRead, run.Upserted, run.RejectedTotal);
        return TypedResults.Json(run.Report(), CrmJson.Default.CrmImportReport);
    }

    static async Task ReadJsonAsync<TRow>(Stream stream, Run<TRow> run, CancellationToken ct)
    {
        // A top-level array, deserialised one element at a time (topLevelValues: false).
        await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable(stream, CrmJson.Default.JsonElement, ct))
        {
            if (element.ValueKind != JsonValueKind.Object) run.Reject([new CrmFieldError("row", "must be a JSON object")]);
            else await run.AddAsync(new JsonFields(element), ct);
        }
        await run.FlushAsync(ct);
    }

    static async Task<IResult?> ReadCsvAsync<TRow>(Stream stream, Run<TRow> run, string idField, CancellationToken ct)
    {
        var malformed = new HashSet<long>(); // record numbers as CsvHelper counts them: the header is record 1
        var options = new CsvReaderOptions
        {
            Separator = ',', // RFC 4180; detection could take a ';' in the first cells for the separator
            MalformedData = CsvMalformedDataHandling.Recover,
            // A stray quote rejects its row, not the import.
            OnMalformedRecord = record => { if (malformed.Count < 1_000_000) malformed.Add(record.RecordNumber); },
            MaxRecordSize = MaxCsvRecordBytes, // an unclosed quote must not pull the rest of the body into memory
        };
        await using var reader = CsvReader.Create(stream, options, leaveOpen: true);
        await reader.ReadHeaderAsync(ct);
        var header = new CsvHeader(reader.Headers);
        if (header.IndexOf(idField) < 0)
            return Problems.Field(StatusCodes.Status400BadRequest, "Missing column", $"The CSV header names no column {idField} (the first line is the header).", idField);
        while (await reader.ReadAsync(ct))
        {
            if (malformed.Remove(reader.RowNumber + 1))
            {
                run.Reject([new CrmFieldError("row", "is not valid CSV: a quote inside an unquoted cell, or text after a closing quote")]);
                continue;
            }
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++) cells[i] = reader.GetString(i);
            await run.AddAsync(new CsvFields(header, cells), ct);
        }
        await run.FlushAsync(ct);
        return null;
    }

    /// <summary>One import in progress: its counts, its pending batch of rows and links.</summary>
    sealed class Run<TRow>(CrmEntity<TRow> entity, string siteId, IClickHouse clickHouse, CrmLinkSink links) : IDisposable
    {
        readonly DateTimeOffset importedAt = DateTimeOffset.UtcNow;
        readonly RowBinaryWriter batch = new(BatchRows * 200);
        readonly List<CrmRejectedRow> rejected = [];
        int pending;

        public long RowsRead { get; private set; }
        public long Upserted { get; private set; }
        public long RejectedTotal { get; private set; }

        public void Reject(IReadOnlyList<CrmFieldError> errors)
        {
            RowsRead++;
            RejectedTotal++;
            if (rejected.Count < MaxRejectedListed) rejected.Add(new CrmRejectedRow(RowsRead, errors));
        }

        public async ValueTask AddAsync(CrmFields fields, CancellationToken ct)
        {
            var row = entity.Read(fields, siteId);
            var errors = fields.Errors;
            // Every reason at once; a field that did not convert is not reported again as missing.
            var unconverted = errors.Select(e => e.Field).ToHashSet();
            var result = await entity.Validator.ValidateAsync(row, ct);
            errors.AddRange(result.Errors.Where(e => !unconverted.Contains(e.PropertyName)).Select(e => new CrmFieldError(e.PropertyName, e.ErrorMessage)));
            if (errors.Count > 0)
            {
                Reject(errors);
                return;
            }
            RowsRead++;
            entity.Write(row, batch, importedAt, CrmVersion.Next());
            foreach (var (visitorId, customerId, linkedAt) in entity.Links(row, importedAt)) links.Add(siteId, visitorId, customerId, linkedAt);
            if (++pending >= BatchRows) await FlushAsync(ct);
        }

        public async ValueTask FlushAsync(CancellationToken ct)
        {
            if (pending > 0)
            {
                await clickHouse.InsertRowBinaryAsync(entity.Table, entity.Columns, batch.Written, ct);
                Upserted += pending;
                pending = 0;
                batch.Clear();
            }
            // Links after their customers: a link is never stored for a customer row that failed.
            await links.FlushAsync(ct);
        }

        public CrmImportReport Report() => new(RowsRead, Upserted, RejectedTotal, RejectedTotal > rejected.Count, rejected);

        public void Dispose()
        {
            batch.Dispose();
            links.Dispose();
        }
    }
}
