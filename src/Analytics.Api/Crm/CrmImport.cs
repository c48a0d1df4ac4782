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

/// <summary>A (visitor, customer) pair of <c>identity_links</c>.</summary>
public sealed record LinkPair(string VisitorId, string CustomerId);

[JsonSerializable(typeof(CrmImportReport))]
[JsonSerializable(typeof(LinkPair))]
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

        var maxWait = ImportRequest.MaxSpoolWait(options.Value);
        var run = new Run<TRow>(entity, site.Id, clickHouse, () => links.Open(maxWait));
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

    /// <summary>Imports a JSON array of rows into <paramref name="site"/>: the endpoint's work without HTTP (the demo seed's).</summary>
    public async Task<CrmImportReport> ImportJsonAsync<TRow>(Site site, CrmEntity<TRow> entity, Stream json, CancellationToken ct)
    {
        using var run = new Run<TRow>(entity, site.Id, clickHouse, () => links.Open(ImportRequest.MaxSpoolWait(options.Value)));
        await ReadJsonAsync(json, run, ct);
        logger.LogInformation("Imported CRM {Kind} for site {SiteKey}: {Rows} rows, {Upserted} upserted, {Rejected} rejected",
            entity.Table, site.Key, run.RowsRead, run.Upserted, run.RejectedTotal);
        return run.Report();
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
            IncludeValuesInExceptions = false, // the message reaches the log: customer data stays out
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

    /// <summary>
    /// One import in progress: its counts and two batch slots, so that one batch is inserted while the next is read
    /// (memory: two batches). The links of a batch are spooled once its rows are stored.
    /// </summary>
    sealed class Run<TRow>(CrmEntity<TRow> entity, string siteId, IClickHouse clickHouse, Func<CrmLinkSink> openLinks) : IDisposable
    {
        readonly DateTimeOffset importedAt = DateTimeOffset.UtcNow;
        readonly RowBinaryWriter[] batches = [new(BatchRows * 200), new(BatchRows * 200)];
        readonly CrmLinkSink[] links = [openLinks(), openLinks()];
        readonly List<CrmRejectedRow> rejected = [];
        int slot;
        int pending;
        Task? inserting;
        int insertingRows;

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
            var result = entity.Validator.Validate(row);
            if (!result.IsValid)
            {
                // Every reason at once; a field that did not convert is not reported again as missing.
                var unconverted = errors.Select(e => e.Field).ToHashSet();
                errors.AddRange(result.Errors.Where(e => !unconverted.Contains(e.PropertyName)).Select(e => new CrmFieldError(e.PropertyName, e.ErrorMessage)));
            }
            if (errors.Count > 0)
            {
                Reject(errors);
                return;
            }
            RowsRead++;
            entity.Write(row, batches[slot], importedAt, CrmVersion.Next());
            foreach (var (visitorId, customerId, linkedAt) in entity.Links(row, importedAt)) links[slot].Add(siteId, visitorId, customerId, linkedAt);
            if (++pending >= BatchRows) await StartInsertAsync(ct);
        }

        /// <summary>Stores everything read so far: the batch being inserted and the pending one.</summary>
        public async ValueTask FlushAsync(CancellationToken ct)
        {
            await StartInsertAsync(ct);
            await FinishInsertAsync(ct);
        }

        async ValueTask StartInsertAsync(CancellationToken ct)
        {
            if (pending == 0) return;
            await FinishInsertAsync(ct);
            inserting = clickHouse.InsertRowBinaryAsync(entity.Table, entity.Columns, batches[slot].Written, ct);
            insertingRows = pending;
            pending = 0;
            slot ^= 1;
        }

        async ValueTask FinishInsertAsync(CancellationToken ct)
        {
            if (inserting is null) return;
            var done = slot ^ 1;
            try
            {
                await inserting;
            }
            finally
            {
                inserting = null;
                batches[done].Clear();
            }
            Upserted += insertingRows;
            // Links after their customers: a link is never stored for a customer row that failed.
            await links[done].FlushAsync(await KnownLinksAsync(links[done].CustomerIds, ct), ct);
        }

        /// <summary>The (visitor, customer) pairs of these customers already in identity_links, from any source.</summary>
        async Task<HashSet<(string VisitorId, string CustomerId)>> KnownLinksAsync(IEnumerable<string> customerIds, CancellationToken ct)
        {
            var known = new HashSet<(string, string)>();
            foreach (var chunk in customerIds.Chunk(500)) // ids are up to 256 characters: the statement stays far below max_query_size
            {
                var sql = Sql.Query($"SELECT DISTINCT visitor_id, customer_id FROM identity_links WHERE site_id = {siteId} AND customer_id IN {SqlInList.Of(chunk)}");
                await foreach (var pair in clickHouse.QueryAsync(sql, CrmJson.Default.LinkPair, ct)) known.Add((pair.VisitorId, pair.CustomerId));
            }
            return known;
        }

        public CrmImportReport Report() => new(RowsRead, Upserted, RejectedTotal, RejectedTotal > rejected.Count, rejected);

        public void Dispose()
        {
            // An insert still running (the request failed) must finish with the buffer before it goes back to the pool.
            // (WaitAny does not throw: a failed insert has already failed the request.)
            if (inserting is not null) Task.WaitAny(inserting);
            foreach (var batch in batches) batch.Dispose();
            foreach (var sink in links) sink.Dispose();
        }
    }
}
