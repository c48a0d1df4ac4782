using System.Net;

namespace Analytics.Demo;

/// <summary>
/// What a generated visitor's browser sends and where it comes from: a user agent matching its device, browser and
/// OS (so that the pipeline's own parser finds them again) and an address in its country's range of a large
/// provider (so that the configured GeoIP database, if any, places it).
/// </summary>
static class DemoClients
{
    const string Windows = "Windows NT 10.0; Win64; x64";
    const string Mac = "Macintosh; Intel Mac OS X 10_15_7";
    public const string Bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    public static string UserAgent(string device, string browser, string os, bool isBot)
    {
        if (isBot) return Bot;
        if (os == "iOS")
            return device == "tablet"
                ? "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
                : "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        if (os == "Android")
            return (device, browser) switch
            {
                ("tablet", _) => "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                (_, "Samsung Internet") => "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
                (_, "Firefox") => "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
                _ => "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            };
        var system = os == "Mac OS X" ? Mac : Windows;
        return browser switch
        {
            "Safari" when os == "Mac OS X" => $"Mozilla/5.0 ({Mac}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Firefox" => $"Mozilla/5.0 ({system}; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Edge" => $"Mozilla/5.0 ({system}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            _ => $"Mozilla/5.0 ({system}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        };
    }

    // A /16 or wider block of a large access provider per country (Deutsche Telekom, A1/Magenta, Swisscom, Orange,
    // KPN, Comcast, Orange Polska, TIM); the last two bytes vary.
    static readonly Dictionary<string, (byte A, byte B, byte Span)> Blocks = new()
    {
        ["DE"] = (91, 0, 64), ["AT"] = (80, 108, 4), ["CH"] = (85, 0, 8), ["FR"] = (90, 0, 128),
        ["NL"] = (77, 160, 16), ["US"] = (73, 0, 255), ["PL"] = (83, 0, 32), ["IT"] = (2, 32, 16),
    };

    public static IPAddress Address(string country, Random random)
    {
        var (a, b, span) = Blocks.TryGetValue(country, out var block) ? block : Blocks["DE"];
        return new IPAddress([a, (byte)(b + random.Next(span)), (byte)random.Next(256), (byte)random.Next(1, 255)]);
    }
}
