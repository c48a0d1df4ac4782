using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Storage.Backup;

/// <summary>
/// <c>manifest.json</c> of a backup directory: how the database was saved (<see cref="Method"/>), from which engine and
/// version, and the rows each table held when it was saved, which a restore checks it brought back.
/// </summary>
public sealed record BackupManifest(
    int Format, DateTimeOffset CreatedAt, string Engine, [property: JsonPropertyName("clickhouse_version")] string ClickHouseVersion, string Database, string Method,
    IReadOnlyList<BackupTable> Tables)
{
    public const string FileName = "manifest.json";
    /// <summary>ClickHouse <c>BACKUP DATABASE … TO File(…)</c> into <c>clickhouse/</c> (26.7 embedded, servers from 23.x).</summary>
    public const string NativeBackup = "backup";
    /// <summary><c>ALTER TABLE … FREEZE</c>, the parts copied into <c>freeze/TABLE/</c> with the table's CREATE in <c>freeze/TABLE.sql</c> (18.16).</summary>
    public const string Freeze = "freeze";

    public static BackupManifest Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new BackupException($"{path} is missing: {directory} is not a backup made by 'Analytics.Api backup'.");
        return JsonSerializer.Deserialize(File.ReadAllText(path), BackupJson.Default.BackupManifest)
               ?? throw new BackupException($"{path} is empty.");
    }

    public void Write(string directory) =>
        PrivateFiles.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, BackupJson.Default.BackupManifest));
}

/// <summary>A table of the backup and its rows at the time it was saved.</summary>
public sealed record BackupTable(string Name, long Rows);

/// <summary>A backup or restore that cannot go on; its message tells the operator why and what to do.</summary>
public sealed class BackupException(string message) : Exception(message);

public sealed record TableRow(string Name);

public sealed record VersionRow(string Version);

public sealed record FrozenTableRow(string Name, string DataPath, string CreateTableQuery);

[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(TableRow))]
[JsonSerializable(typeof(VersionRow))]
[JsonSerializable(typeof(FrozenTableRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
internal sealed partial class BackupJson : JsonSerializerContext;
