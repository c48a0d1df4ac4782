using System.Text;
using Analytics.Import;

namespace Analytics.Tests.Import;

/// <summary>The combined-log parser and the static-asset filter, without a service.</summary>
public class CombinedLogLineTests
{
    [Fact]
    public void An_Apache_line_gives_every_field_and_the_time_in_UTC()
    {
        var line = "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif?a=1 HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\""u8;
        Assert.True(CombinedLogLine.TryParse(line, out var e, out _));
        Assert.Equal("127.0.0.1", Encoding.ASCII.GetString(e.Host));
        Assert.Equal("GET", Encoding.ASCII.GetString(e.Method));
        Assert.Equal("/apache_pb.gif?a=1", Encoding.ASCII.GetString(e.Target));
        Assert.Equal(200, e.Status);
        Assert.Equal(new DateTimeOffset(2000, 10, 10, 20, 55, 36, TimeSpan.Zero).ToUnixTimeMilliseconds(), e.TimeMs);
        Assert.Equal("http://www.example.com/start.html", CombinedLogLine.Decode(e.Referrer));
        Assert.Equal("Mozilla/4.08 [en] (Win98; I ;Nav)", CombinedLogLine.Decode(e.UserAgent));
    }

    [Fact]
    public void Escaped_quotes_of_Apache_and_nginx_and_extra_fields_are_read()
    {
        var apache = "::1 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 - \"-\" \"Agent \\\"quoted\\\" x\" \"extra\" 0.003"u8;
        Assert.True(CombinedLogLine.TryParse(apache, out var a, out _));
        Assert.Equal("Agent \"quoted\" x", CombinedLogLine.Decode(a.UserAgent));
        Assert.True(a.Referrer.IsEmpty);
        var nginx = "10.0.0.1 - - [01/Jan/2024:00:00:00 +0100] \"GET /x HTTP/2.0\" 404 12 \"-\" \"A\\x22B\""u8;
        Assert.True(CombinedLogLine.TryParse(nginx, out var n, out _));
        Assert.Equal("A\"B", CombinedLogLine.Decode(n.UserAgent));
        Assert.Equal(404, n.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1")] // common log format: no referrer, no agent
    [InlineData("1.2.3.4 - - [31/Feb/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"")]
    [InlineData("1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 2000 1 \"-\" \"a\"")]
    [InlineData("1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] \"\\x16\\x03\\x01\" 400 1 \"-\" \"-\"")] // TLS on the plain port
    [InlineData("1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"never closed")]
    public void Lines_that_are_not_combined_log_are_refused_with_a_reason(string line)
    {
        Assert.False(CombinedLogLine.TryParse(Encoding.UTF8.GetBytes(line), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("/a.css", true)]
    [InlineData("/js/app.min.js", true)]
    [InlineData("/x/Logo.PNG", true)]
    [InlineData("/favicon.ico", true)]
    [InlineData("/fonts/x.woff2", true)]
    [InlineData("/app.js.map", true)]
    [InlineData("/robots.txt", true)]
    [InlineData("/.well-known/security.txt", true)]
    [InlineData("/", false)]
    [InlineData("/p/shoe-1", false)]
    [InlineData("/blog/v1.2/intro", false)]
    [InlineData("/index.html", false)]
    [InlineData("/report.pdf", false)] // a download, not a page part
    public void Static_assets_are_recognised_by_extension(string path, bool isStatic) =>
        Assert.Equal(isStatic, StaticAssets.IsStatic(Encoding.UTF8.GetBytes(path)));
}
