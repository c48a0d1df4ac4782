using System.Text;
using System.Text.Json.Serialization;

namespace Analytics.Storage;

/// <summary>
/// A cheap fingerprint of tables' contents, read from <c>system.parts</c> (no table is scanned): the highest block
/// number and the rows of the active parts. Any insert raises the block number and a merge or mutation changes the
/// parts, so a cache reloads only when its tables changed, whichever instance wrote them. Without
/// <paramref name="countParts"/> a merge changes nothing (an erasure's mutation still changes the rows).
/// </summary>
public static class TablesVersion
{
    public static async Task<string> ReadAsync(IClickHouse clickHouse, IReadOnlyList<string> tables, CancellationToken ct, bool countParts = true)
    {
        var parts = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT table, max(max_block_number) AS block, sum(rows) AS rows, count() AS parts
            FROM system.parts
            WHERE database = {clickHouse.Database} AND active AND table IN {SqlInList.Of(tables)}
            GROUP BY table
            ORDER BY table
            """), TablesVersionJson.Default.TablePartsRow, ct);
        var version = new StringBuilder();
        foreach (var p in parts)
        {
            version.Append(p.Table).Append(':').Append(p.Block).Append('/').Append(p.Rows);
            if (countParts) version.Append('/').Append(p.Parts);
            version.Append(';');
        }
        return version.ToString();
    }
}

public sealed record TablePartsRow(string Table, long Block, long Rows, long Parts);

[JsonSerializable(typeof(TablePartsRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class TablesVersionJson : JsonSerializerContext;
