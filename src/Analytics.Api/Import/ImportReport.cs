using System.Text.Json.Serialization;

namespace Analytics.Import;

/// <summary>Why a line of an import was not stored (the keys of <c>skipped</c>).</summary>
public static class SkipReason
{
    /// <summary>Not a JSON object / not a combined-log line, or longer than the line limit.</summary>
    public const string Malformed = "malformed";
    /// <summary>An event the collect validator would reject, or an imported event without its time.</summary>
    public const string Invalid = "invalid";
    /// <summary>Older than the site's retention period (<c>retention_days</c>): the site keeps nothing that old.</summary>
    public const string TooOld = "too_old";
    /// <summary>A time more than five minutes ahead of the server's clock.</summary>
    public const string Future = "future";
    /// <summary>Access log: a style sheet, script, image, font, source map, favicon and the like.</summary>
    public const string Static = "static";
    /// <summary>Access log: a robot's request (user agent or data-centre address).</summary>
    public const string Bot = "bot";
    /// <summary>Access log: status 400 or more.</summary>
    public const string ErrorStatus = "error_status";
    /// <summary>Access log: a redirect (3xx other than 304 Not Modified).</summary>
    public const string Redirect = "redirect";
    /// <summary>Access log: a method other than GET (a form post, HEAD, OPTIONS …).</summary>
    public const string Method = "method";
    /// <summary>Access log: an informational status (1xx, e.g. a WebSocket upgrade).</summary>
    public const string NotAPage = "not_a_page";
}

/// <summary>The first skipped lines, so whoever imports can see what was wrong with them.</summary>
public sealed record SkippedLine(long Line, string Reason, string? Field, string Message);

/// <summary>The answer of both importers: <c>imported</c> + the sum of <c>skipped</c> = <c>lines_read</c> (blank lines are not counted).</summary>
public sealed class ImportReport
{
    public const int MaxSkippedLines = 20;

    public long LinesRead { get; set; }
    public long Imported { get; set; }
    public Dictionary<string, long> Skipped { get; } = new(StringComparer.Ordinal);
    /// <summary>The first <see cref="MaxSkippedLines"/> skipped lines with their reason (line numbers count from 1, blank lines included).</summary>
    public List<SkippedLine> SkippedLines { get; } = [];

    /// <summary>Adds another worker's share; the first skipped lines stay the first by line number.</summary>
    public void Merge(ImportReport other)
    {
        LinesRead += other.LinesRead;
        Imported += other.Imported;
        foreach (var (reason, n) in other.Skipped) Skipped[reason] = Skipped.GetValueOrDefault(reason) + n;
        SkippedLines.AddRange(other.SkippedLines);
        SkippedLines.Sort((a, b) => a.Line.CompareTo(b.Line));
        if (SkippedLines.Count > MaxSkippedLines) SkippedLines.RemoveRange(MaxSkippedLines, SkippedLines.Count - MaxSkippedLines);
    }

    public void Skip(long line, string reason, string? field = null, string? message = null)
    {
        LinesRead++;
        Skipped[reason] = Skipped.GetValueOrDefault(reason) + 1;
        if (SkippedLines.Count < MaxSkippedLines) SkippedLines.Add(new SkippedLine(line, reason, field, message ?? reason));
    }
}

[JsonSerializable(typeof(ImportReport))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class ImportJson : JsonSerializerContext;
