using Xunit;
using System.Diagnostics;
using System.Text.Json;
using Analytics.Enrichment.UserAgents;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>
/// uap-core's own test cases (0.18.0, TestData/uap-core) run against our implementation of its algorithm. Every
/// case passes today, so the bar is every case: one regression fails the suite.
/// </summary>
public class UapConformanceTests(ITestOutputHelper output)
{
    private static readonly Lazy<UserAgentParser> Parser = new(() => UserAgentParser.CreateDefault());

    [Fact]
    public void Browser_families_and_versions_match_uap_core_cases()
    {
        var failures = Failures(LoadCases("ua"), ua =>
        {
            var b = Parser.Value.ParseBrowser(ua);
            return (b.Family, b.Major, b.Minor);
        }, "ua");
        Assert.True(failures.Count == 0, $"{failures.Count} uap-core user agent cases fail; the first:\n{string.Join("\n", failures.Take(10))}");
    }

    [Fact]
    public void Os_families_and_versions_match_uap_core_cases()
    {
        var failures = Failures(LoadCases("os"), ua =>
        {
            var os = Parser.Value.ParseOs(ua);
            return (os.Family, os.Major, os.Minor);
        }, "os");
        Assert.True(failures.Count == 0, $"{failures.Count} uap-core OS cases fail; the first:\n{string.Join("\n", failures.Take(10))}");
    }

    /// <summary>The cases whose family, major or minor differ, described; writes the score to the test output.</summary>
    private List<string> Failures(List<Case> cases, Func<string, (string Family, string? Major, string? Minor)> parse, string kind)
    {
        var watch = Stopwatch.StartNew();
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var (family, major, minor) = parse(c.Ua);
            if (family != c.Family || !Same(major, c.Major) || !Same(minor, c.Minor))
                failures.Add($"  {c.Ua}\n    expected {c.Family}/{c.Major}/{c.Minor}, got {family}/{major}/{minor}");
        }

        var passed = cases.Count - failures.Count;
        output.WriteLine($"uap-core {kind} conformance: {passed}/{cases.Count} = {(double)passed / cases.Count:P2} ({watch.ElapsedMilliseconds} ms)");
        return failures;
    }

    private static bool Same(string? actual, string? expected) =>
        string.IsNullOrEmpty(actual) ? string.IsNullOrEmpty(expected) : actual == expected;

    private List<Case> LoadCases(string kind)
    {
        var path = SharedData.Require("uap-core/cases.json", output);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var cases = new List<Case>();
        foreach (var e in json.RootElement.GetProperty(kind).EnumerateArray())
            cases.Add(new Case(e.GetProperty("ua").GetString()!, e.GetProperty("family").GetString()!,
                Optional(e, "major"), Optional(e, "minor")));
        Assert.NotEmpty(cases);
        return cases;
    }

    private static string? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private sealed record Case(string Ua, string Family, string? Major, string? Minor);
}
