using Xunit;
using System.Diagnostics;
using System.Text.Json;
using Analytics.Enrichment.UserAgents;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>uap-core's own test cases (0.18.0) run against our implementation of its algorithm.</summary>
public class UapConformanceTests(ITestOutputHelper output)
{
    private const double RequiredRate = 0.97;
    private static readonly Lazy<UserAgentParser> Parser = new(() => UserAgentParser.CreateDefault());

    [Fact]
    public void Browser_families_and_versions_match_uap_core_cases()
    {
        var cases = LoadCases("ua");
        if (cases is null) return;

        var rate = Score(cases, ua =>
        {
            var b = Parser.Value.ParseBrowser(ua);
            return (b.Family, b.Major, b.Minor);
        }, "ua");
        Assert.True(rate >= RequiredRate, $"user agent conformance {rate:P2} is below {RequiredRate:P0}");
    }

    [Fact]
    public void Os_families_and_versions_match_uap_core_cases()
    {
        var cases = LoadCases("os");
        if (cases is null) return;

        var rate = Score(cases, ua =>
        {
            var os = Parser.Value.ParseOs(ua);
            return (os.Family, os.Major, os.Minor);
        }, "os");
        Assert.True(rate >= RequiredRate, $"OS conformance {rate:P2} is below {RequiredRate:P0}");
    }

    private double Score(List<Case> cases, Func<string, (string Family, string? Major, string? Minor)> parse, string kind)
    {
        var watch = Stopwatch.StartNew();
        var passed = 0;
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var (family, major, minor) = parse(c.Ua);
            if (family == c.Family && Same(major, c.Major) && Same(minor, c.Minor)) passed++;
            else if (failures.Count < 10)
                failures.Add($"  {c.Ua}\n    expected {c.Family}/{c.Major}/{c.Minor}, got {family}/{major}/{minor}");
        }

        var rate = (double)passed / cases.Count;
        output.WriteLine($"uap-core {kind} conformance: {passed}/{cases.Count} = {rate:P2} ({watch.ElapsedMilliseconds} ms)");
        if (failures.Count > 0) output.WriteLine("First failures:\n" + string.Join("\n", failures));
        return rate;
    }

    private static bool Same(string? actual, string? expected) =>
        string.IsNullOrEmpty(actual) ? string.IsNullOrEmpty(expected) : actual == expected;

    private List<Case>? LoadCases(string kind)
    {
        var path = SharedData.Require("uap-core/cases.json", output);
        if (path is null) return null;
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
