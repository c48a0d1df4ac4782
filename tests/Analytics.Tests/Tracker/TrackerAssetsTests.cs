using System.Net;
using System.Net.Http.Headers;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Tracker;

/// <summary>/t.js as pages load it: from the built tracker-js/dist, gzip when accepted, cacheable, revalidated by ETag.</summary>
public sealed class TrackerAssetsTests : IClassFixture<TrackerAssetsTests.BuiltTrackerApi>
{
    /// <summary>A tracker "build" of its own, so the test does not depend on npm having run.</summary>
    public sealed class BuiltTrackerApi() : ApiFactory(Engine.Embedded)
    {
        public string Root { get; } = MakeRoot();

        static string MakeRoot()
        {
            var root = Directory.CreateTempSubdirectory("analytics-tracker-").FullName;
            Directory.CreateDirectory(Path.Combine(root, "dist"));
            Directory.CreateDirectory(Path.Combine(root, "demo"));
            File.WriteAllText(Path.Combine(root, "dist", "t.js"), "/* tracker */ window.analytics = window.analytics || function () {};" + new string(' ', 2000));
            File.WriteAllText(Path.Combine(root, "demo", "index.html"), "<!doctype html><title>Demo shop</title>");
            return root;
        }

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tracker:Directory", Root)];
    }

    readonly BuiltTrackerApi api;
    public TrackerAssetsTests(BuiltTrackerApi api) => this.api = api;

    [Fact]
    public async Task The_tracker_is_served_gzipped_cacheable_and_revalidated()
    {
        var client = api.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/t.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("max-age=3600", response.Headers.CacheControl!.ToString());
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < 200, $"{compressed.Length} bytes");

        var plain = await client.GetStringAsync("/t.js");
        Assert.StartsWith("/* tracker */", plain);

        var revalidate = new HttpRequestMessage(HttpMethod.Get, "/t.js");
        revalidate.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(revalidate)).StatusCode);
    }

    [Fact]
    public async Task The_demo_shop_is_served_under_demo()
    {
        var page = await api.CreateClient().GetStringAsync("/demo/index.html");
        Assert.Contains("Demo shop", page);
        Assert.Equal(HttpStatusCode.NotFound, (await api.CreateClient().GetAsync("/demo/missing.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.CreateClient().GetAsync("/demo/..%2F..%2Ftracker-js%2Fdist%2Ft.js")).StatusCode);
        // Not built, so not mapped: the deny-by-default policy answers for a path nothing serves.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/t-banner.js")).StatusCode);
    }
}
