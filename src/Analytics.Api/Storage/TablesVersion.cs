using System.Text;
using System.Text.Json.Serialization;

namespace Analytics.Storage;

/// <summary>
/// Cheap fingerprints of tables, read from <c>system.parts</c> and <c>system.mutations</c> (no table is scanned), so that
/// a cache reloads only when its tables changed, whichever instance wrote them.
/// </summary>
public static class TablesVersion
{
    /// <summary>
    /// Any change of the parts: the highest block number (any insert raises it), the rows and the number of active parts
    /// (a merge, a mutation, a dropped partition).
    /// </summary>
    public static async Task<string> ReadAsync(IClickHouse clickHouse, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var parts = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT table, max(max_block_number) AS block, sum(rows) AS rows, count() AS parts
            FROM system.parts
            WHERE database = {clickHouse.Database} AND active AND table IN {SqlInList.Of(tables)}
            GROUP BY table
            ORDER BY table
            """), TablesVersionJson.Default.TablePartsRow, ct);
        var version = new StringBuilder();
        foreach (var p in parts) version.Append(p.Table).Append(':').Append(p.Block).Append('/').Append(p.Rows).Append('/').Append(p.Parts).Append(';');
        return version.ToString();
    }

    /// <summary>
    /// A change of the tables' contents only: the highest block number (an insert), the number of partitions (a dropped
    /// one), and the newest mutation and the newest one done (an <c>ALTER … DELETE</c> issued and applied: a mutation takes
    /// its number from the blocks' counter and they are applied in that order). Unlike <see cref="ReadAsync"/> a merge
    /// leaves it as it is, also one that collapses rows (<c>ReplacingMergeTree</c>): the readers of such a table see
    /// the same answer before and after, and on a server the merges of a busy table run for minutes after its writes.
    /// </summary>
    public static async Task<string> ContentsAsync(IClickHouse clickHouse, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT table, 'parts' AS kind, toInt64(max(max_block_number)) AS a, toInt64(uniqExact(partition_id)) AS b
            FROM system.parts
            WHERE database = {clickHouse.Database} AND active AND table IN {SqlInList.Of(tables)}
            GROUP BY table
            UNION ALL
            SELECT table, 'mutations' AS kind, max(toInt64OrZero(extract(mutation_id, '([0-9]+)'))) AS a,
                maxIf(toInt64OrZero(extract(mutation_id, '([0-9]+)')), is_done = 1) AS b
            FROM system.mutations
            WHERE database = {clickHouse.Database} AND table IN {SqlInList.Of(tables)}
            GROUP BY table
            """), TablesVersionJson.Default.TableContentsRow, ct);
        var version = new StringBuilder();
        foreach (var r in rows.OrderBy(r => r.Table, StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal))
            version.Append(r.Table).Append(':').Append(r.Kind).Append(':').Append(r.A).Append('/').Append(r.B).Append(';');
        return version.ToString();
    }
}

public sealed record TablePartsRow(string Table, long Block, long Rows, long Parts);

public sealed record TableContentsRow(string Table, string Kind, long A, long B);

[JsonSerializable(typeof(TablePartsRow))]
[JsonSerializable(typeof(TableContentsRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class TablesVersionJson : JsonSerializerContext;
