using System.Globalization;

namespace Analytics.Tests.Import;

/// <summary>Lines of the combined log format, as nginx and Apache write them.</summary>
internal static class AccessLog
{
    public const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    public const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
    public const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    public const string Android = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36";
    public const string Googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    public static string Line(DateTimeOffset time, string target, int status = 200, string? referrer = null, string userAgent = Chrome,
        string method = "GET", string ip = "10.1.2.3") =>
        $"{ip} - - [{time.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture)}{(time.Offset < TimeSpan.Zero ? "-" : "+")}{time.Offset:hhmm}] " +
        $"\"{method} {target} HTTP/1.1\" {status} 5120 \"{referrer ?? "-"}\" \"{userAgent}\"";
}
