using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Consent;

/// <summary>
/// POST /api/consent: the tracker (or a CMP) records a visitor's decision as proof. Spooled like events: a 201
/// means the proof is on disk and survives an outage of ClickHouse or a kill of the service; the consent writer
/// stores proofs in batches. A full spool answers 503 with Retry-After and the tracker retries.
/// </summary>
public static class ConsentApi
{
    static readonly HashSet<string> Sources = ["banner", "api", "cmp"];

    /// <summary>The consent spool and its writer, beside the events' (see <see cref="ConsentColumns"/>).</summary>
    public static void AddConsent(this WebApplicationBuilder builder) =>
        builder.AddSpooledTable(ConsentColumns.Definition, ConsentColumns.SpoolKey, "Consent proofs");

    public static void MapConsent(this WebApplication app)
    {
        app.MapPost("/api/consent", Record).RequireRateLimiting(IngestionSetup.CollectRateLimit).AllowAnonymous();
        app.MapMethods("/api/consent", ["OPTIONS"], Cors.Preflight).AllowAnonymous();
    }

    static async Task<IResult> Record(HttpContext http, SiteStore sites, [FromKeyedServices(ConsentColumns.SpoolKey)] Spool spool,
        IOptions<IngestionOptions> options, CancellationToken ct)
    {
        var (outcome, buffer, length) = await CollectBody.ReadAsync(http.Request, 16 * 1024, ct);
        if (outcome == CollectBody.Outcome.WrongContentType)
            return Problems.Field(415, "Unsupported content type", "Send the body as application/json or text/plain.", "content-type");
        if (outcome == CollectBody.Outcome.TooLarge)
            return Problems.Field(413, "Body too large", "A consent record is at most 16 KB.", "body");
        ConsentRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(buffer.AsSpan(0, length), ConsentJson.Default.ConsentRecord);
        }
        catch (JsonException e)
        {
            return Problems.Field(400, "Malformed JSON", e.Message, "body");
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        if (record?.Site is not { Length: > 0 } key) return Problems.Field(400, "Missing site", "\"site\" must be the site key.", "site");
        if (record.Purposes is null) return Problems.Field(400, "Missing purposes", "\"purposes\" must be like {\"analytics\": true, \"marketing\": false}.", "purposes");
        var source = record.Source ?? "api";
        if (!Sources.Contains(source)) return Problems.Field(400, "Unknown source", "\"source\" must be banner, api or cmp.", "source");
        if (record.Vid is { Length: > 64 } || record.PolicyVersion is { Length: > 64 })
            return Problems.Field(400, "Field too long", "\"vid\" and \"policy_version\" are at most 64 characters.", "vid");
        if (sites.FindByKey(key) is not { } site) return Problems.Field(403, "Unknown site", "No site has this key.", "site");
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !site.AllowsOrigin(origin))
            return Problems.Field(403, "Origin not allowed", $"Pages of {origin} may not record consent for this site.", "origin");

        var id = Guid.CreateVersion7();
        var userAgent = http.Request.Headers.UserAgent.ToString();
        if (userAgent.Length > 512) userAgent = userAgent[..512];
        var row = new ConsentRow
        {
            ConsentId = id, SiteId = site.Id, ReceivedAt = DateTimeOffset.UtcNow, Vid = record.Vid ?? "",
            Analytics = record.Purposes.Analytics == true, Marketing = record.Purposes.Marketing == true,
            PolicyVersion = record.PolicyVersion ?? "", Source = source, IpTruncated = Truncate(http.Connection.RemoteIpAddress), UserAgent = userAgent,
        };
        using var bytes = new RowBinaryWriter(1024);
        ConsentColumns.Definition.Write(row, bytes);
        try
        {
            spool.Append(bytes.WrittenSpan, [bytes.Length]);
        }
        catch (SpoolFullException e)
        {
            http.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString();
            return Problems.Field(StatusCodes.Status503ServiceUnavailable, "Spool full", e.Message + " Retry later.", "");
        }
        return TypedResults.Created($"/api/consent/{id}", new { id });
    }

    /// <summary>IPv4 keeps its /24, IPv6 its /48: the network a decision came from, not the device.</summary>
    internal static string Truncate(IPAddress? ip)
    {
        if (ip is null) return "";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        var bytes = ip.GetAddressBytes();
        var keep = ip.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        for (var i = keep; i < bytes.Length; i++) bytes[i] = 0;
        return new IPAddress(bytes).ToString();
    }
}
