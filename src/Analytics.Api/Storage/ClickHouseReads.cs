using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Analytics.Storage;

/// <summary>
/// Typed reads over <see cref="IClickHouse.OpenJsonEachRowAsync"/>, the same for both engines: rows are deserialised
/// one by one from the UTF-8 stream by source-generated System.Text.Json (a row type's <see cref="JsonTypeInfo{T}"/>
/// comes from a <see cref="JsonSerializerContext"/> beside it; <see cref="StorageJson"/> has the common ones).
/// </summary>
public static class ClickHouseReads
{
    /// <summary>The rows of a SELECT, streamed: one row deserialised at a time, nothing held for the whole result.</summary>
    public static async IAsyncEnumerable<T> QueryAsync<T>(this IClickHouse clickHouse, Sql sql, JsonTypeInfo<T> row,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var rows = await clickHouse.OpenJsonEachRowAsync(sql, ct);
        await foreach (var value in JsonSerializer.DeserializeAsyncEnumerable(rows, row, topLevelValues: true, ct))
            yield return value ?? throw new ClickHouseException($"A row of {typeof(T).Name} was null (statement: {ClickHouseException.Describe(sql.Text)})");
    }

    /// <summary>All rows of a SELECT in a list: for results known to be small.</summary>
    public static async Task<List<T>> QueryListAsync<T>(this IClickHouse clickHouse, Sql sql, JsonTypeInfo<T> row, CancellationToken ct = default)
    {
        var list = new List<T>();
        await foreach (var value in clickHouse.QueryAsync(sql, row, ct)) list.Add(value);
        return list;
    }

    /// <summary>The first row of a SELECT (an aggregate, a lookup), or default when there is none.</summary>
    public static async Task<T?> QueryFirstOrDefaultAsync<T>(this IClickHouse clickHouse, Sql sql, JsonTypeInfo<T> row, CancellationToken ct = default)
    {
        await foreach (var value in clickHouse.QueryAsync(sql, row, ct)) return value;
        return default;
    }

    /// <summary>Whether the engine answers a trivial query: for readiness and the writer's outage checks.</summary>
    public static async Task PingAsync(this IClickHouse clickHouse, CancellationToken ct = default) =>
        await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT 1 AS n"), StorageJson.Default.CountRow, ct);
}

/// <summary>A row of one number named <c>n</c>: <c>SELECT count() AS n …</c>.</summary>
public sealed record CountRow(long N);

/// <summary>A row of <c>schema_migrations</c>.</summary>
public sealed record AppliedMigration(int Version);

/// <summary>A node of a cluster: its address for the native protocol.</summary>
public sealed record ClusterNode(int Shard, string Host, int Port);

/// <summary>Row types that storage and its callers share. Column names are snake_case, properties PascalCase.</summary>
[JsonSerializable(typeof(CountRow))]
[JsonSerializable(typeof(AppliedMigration))]
[JsonSerializable(typeof(ClusterNode))]
[JsonSerializable(typeof(JsonElement))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class StorageJson : JsonSerializerContext;
