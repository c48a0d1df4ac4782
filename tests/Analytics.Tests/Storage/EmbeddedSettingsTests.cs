using Analytics.Storage;
using Analytics.Storage.Embedded;

namespace Analytics.Tests.Storage;

/// <summary>The embedded engine runs with bounded caches and memory, not the defaults of a dedicated server.</summary>
public sealed class EmbeddedSettingsTests
{
    [Fact]
    public async Task Caches_and_memory_of_the_embedded_engine_are_bounded()
    {
        // The test process's engine was opened by the first fixture; the service's defaults must be what it runs with.
        var defaults = new StorageOptions().EmbeddedSettings;
        await using IClickHouse clickHouse = new EmbeddedClickHouse(Infrastructure.TestPaths.EmbeddedData, Infrastructure.TestPaths.NewDatabase(), 1, defaults);
        var json = await clickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT getSetting('max_memory_usage') AS m"));
        Assert.Contains("4000000000", json);
        var inSets = await clickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT getSetting('use_index_for_in_with_subqueries_max_values') AS n"));
        Assert.Contains("10000", inSets); // a site's linked visitors as an IN subquery: no key analysis of 160 k values
        var server = await clickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT name, value FROM system.server_settings WHERE name IN ('mark_cache_size', 'max_server_memory_usage_to_ram_ratio')"));
        Assert.Contains("\"268435456\"", server);
        Assert.Contains("\"0.5\"", server);
    }
}
