using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Analytics.Import;

/// <summary>
/// One line of the nginx/Apache combined log format, as slices of the line's bytes (nothing is decoded until a
/// field is needed): <c>%h %l %u %t "%r" %&gt;s %b "%{Referer}i" "%{User-agent}i"</c>, extra fields after it ignored.
/// Parsed by one forward scan: no regular expression, so no backtracking on hostile lines.
/// </summary>
public readonly ref struct CombinedLogLine
{
    public ReadOnlySpan<byte> Host { get; init; }
    public ReadOnlySpan<byte> Method { get; init; }
    /// <summary>The request target: origin form (<c>/p?q=1</c>) or absolute form (<c>http://host/p</c>), still escaped as logged.</summary>
    public ReadOnlySpan<byte> Target { get; init; }
    public int Status { get; init; }
    public long TimeMs { get; init; }
    public ReadOnlySpan<byte> Referrer { get; init; }
    public ReadOnlySpan<byte> UserAgent { get; init; }

    public static bool TryParse(ReadOnlySpan<byte> line, out CombinedLogLine entry, out string error)
    {
        entry = default;
        var space = line.IndexOf((byte)' ');
        if (space <= 0) { error = "no client address"; return false; }
        var host = line[..space];
        var rest = line[(space + 1)..];

        var open = rest.IndexOf((byte)'[');
        if (open < 0 || rest.Length < open + 28 || rest[open + 27] != (byte)']') { error = "no [time] like [10/Oct/2000:13:55:36 -0700]"; return false; }
        if (!TryParseTime(rest.Slice(open + 1, 26), out var timeMs)) { error = "the time is not like 10/Oct/2000:13:55:36 -0700"; return false; }
        rest = rest[(open + 28)..].TrimStart((byte)' ');

        if (!TryQuoted(ref rest, out var request)) { error = "no quoted request line"; return false; }
        var methodEnd = request.IndexOf((byte)' ');
        if (methodEnd <= 0) { error = "the request line has no method and target"; return false; }
        var method = request[..methodEnd];
        var target = request[(methodEnd + 1)..];
        var targetEnd = target.IndexOf((byte)' ');
        if (targetEnd >= 0) target = target[..targetEnd];
        if (target.Length == 0) { error = "the request line has no target"; return false; }

        if (!TryToken(ref rest, out var statusText) || statusText.Length != 3 || !Utf8Parser.TryParse(statusText, out int status, out _) || status < 100)
        { error = "no three-digit status"; return false; }
        if (!TryToken(ref rest, out _)) { error = "no size"; return false; }
        if (!TryQuoted(ref rest, out var referrer)) { error = "no quoted referrer (the common log format lacks it: log in combined format)"; return false; }
        if (!TryQuoted(ref rest, out var userAgent)) { error = "no quoted user agent"; return false; }

        entry = new CombinedLogLine
        {
            Host = host, Method = method, Target = target, Status = status, TimeMs = timeMs,
            Referrer = referrer is [(byte)'-'] ? default : referrer,
            UserAgent = userAgent is [(byte)'-'] ? default : userAgent,
        };
        error = "";
        return true;
    }

    static bool TryToken(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> token)
    {
        rest = rest.TrimStart((byte)' ');
        var end = rest.IndexOf((byte)' ');
        token = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[end..];
        return token.Length > 0;
    }

    /// <summary>A "…" field; Apache escapes a quote inside as \" and nginx as \x22.</summary>
    static bool TryQuoted(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> value)
    {
        rest = rest.TrimStart((byte)' ');
        value = default;
        if (rest.Length < 2 || rest[0] != (byte)'"') return false;
        for (var i = 1; i < rest.Length; i++)
        {
            if (rest[i] == (byte)'\\') { i++; continue; }
            if (rest[i] != (byte)'"') continue;
            value = rest[1..i];
            rest = rest[(i + 1)..];
            return true;
        }
        return false;
    }

    static bool TryParseTime(ReadOnlySpan<byte> t, out long unixMs)
    {
        // 10/Oct/2000:13:55:36 -0700
        unixMs = 0;
        if (t[2] != '/' || t[6] != '/' || t[11] != ':' || t[14] != ':' || t[17] != ':' || t[20] != ' ' || t[21] is not ((byte)'+' or (byte)'-'))
            return false;
        if (!Digits(t[..2], out var day) || !Digits(t.Slice(7, 4), out var year) || !Digits(t.Slice(12, 2), out var hour)
            || !Digits(t.Slice(15, 2), out var minute) || !Digits(t.Slice(18, 2), out var second)
            || !Digits(t.Slice(22, 2), out var offsetHours) || !Digits(t.Slice(24, 2), out var offsetMinutes))
            return false;
        var month = Month(t.Slice(3, 3));
        if (month == 0 || year < 1970 || year > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59
            || second > 60 || offsetHours > 14 || offsetMinutes > 59)
            return false;
        var offset = (offsetHours * 60 + offsetMinutes) * (t[21] == (byte)'-' ? -1 : 1);
        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified);
        unixMs = (local.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond - offset * 60_000L;
        return true;
    }

    static bool Digits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var b in s)
        {
            if (b < '0' || b > '9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    static int Month(ReadOnlySpan<byte> m) => (m[0] | 0x20, m[1] | 0x20, m[2] | 0x20) switch
    {
        ('j', 'a', 'n') => 1, ('f', 'e', 'b') => 2, ('m', 'a', 'r') => 3, ('a', 'p', 'r') => 4, ('m', 'a', 'y') => 5, ('j', 'u', 'n') => 6,
        ('j', 'u', 'l') => 7, ('a', 'u', 'g') => 8, ('s', 'e', 'p') => 9, ('o', 'c', 't') => 10, ('n', 'o', 'v') => 11, ('d', 'e', 'c') => 12,
        _ => 0,
    };

    /// <summary>A logged field as text: \" \\ and \xHH escapes undone, then UTF-8 (invalid bytes become U+FFFD).</summary>
    public static string Decode(ReadOnlySpan<byte> field)
    {
        if (field.IndexOf((byte)'\\') < 0) return Encoding.UTF8.GetString(field);
        var bytes = ArrayPool<byte>.Shared.Rent(field.Length);
        try
        {
            var n = 0;
            for (var i = 0; i < field.Length; i++)
            {
                var b = field[i];
                if (b == (byte)'\\' && i + 1 < field.Length)
                {
                    var next = field[i + 1];
                    if (next == (byte)'x' && i + 3 < field.Length && Utf8Parser.TryParse(field.Slice(i + 2, 2), out byte hex, out var used, 'x') && used == 2)
                    {
                        bytes[n++] = hex;
                        i += 3;
                        continue;
                    }
                    if (next is (byte)'"' or (byte)'\\') { bytes[n++] = next; i++; continue; }
                }
                bytes[n++] = b;
            }
            return Encoding.UTF8.GetString(bytes, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
