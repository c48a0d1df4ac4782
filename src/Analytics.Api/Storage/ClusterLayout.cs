using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Storage;

/// <summary>
/// Cluster mode (<c>Storage__Cluster=NAME</c>, docs/cluster.md): how the single-node schema and statements map onto a
/// ClickHouse cluster, as pure text transformations in one place, so that no migration or query has a second copy.
/// <list type="bullet">
/// <item>The big per-visitor tables (<see cref="ShardingKeys"/>) are sharded: <c>NAME_local</c>, a
/// <c>Replicated*MergeTree</c> per shard, and <c>NAME</c>, a <c>Distributed</c> table over them that every query keeps
/// reading and writing. They are sharded by visitor id: a device's sessions stay on one shard.</item>
/// <item>Every other table is replicated to every node (one ZooKeeper path for all shards), so joins with it run
/// locally on each shard.</item>
/// <item>DDL runs <c>ON CLUSTER</c>; mutations and partition operations go to the <c>_local</c> tables.</item>
/// <item>A materialized view from one table to another (<c>CREATE MATERIALIZED VIEW … TO …</c>) is made on every node,
/// between the tables that hold the rows there: an insert into a shard's <c>events_local</c> then writes its copy into the
/// same shard's <c>events_by_visitor_local</c>, which replicates like any part.</item>
/// <item>Table names are qualified with the database: a shard resolves an unqualified name of a subquery in its own
/// default database (ClickHouse 18.16), not in the one the service uses.</item>
/// <item>Reads make their <c>IN</c> subqueries and <c>JOIN</c>s <c>GLOBAL</c> (<see cref="ForReading"/>): computed once on
/// the node asked, which the service writes to, and shipped to the shards, so that a distributed query never reads a
/// shard's copy of a replicated table that has not fetched the latest write yet.</item>
/// </list>
/// </summary>
public sealed partial class ClusterLayout
{
    /// <summary>Sharded tables and the column their rows are distributed by (cityHash64 of it).</summary>
    public static readonly IReadOnlyDictionary<string, string> ShardingKeys = new Dictionary<string, string>
    {
        ["events"] = "vid",
        // The events again, ordered by visitor (migration 0026): sharded like them, so a row's copy is on its shard.
        ["events_by_visitor"] = "vid",
        // The purchase events again (migration 0027): sharded like the events, so a purchase's copy is on its shard.
        ["purchase_events"] = "vid",
        // The survey answers and ratings again (migration 0031): sharded like the events.
        ["feedback_events"] = "vid",
        // The form events again (migration 0032): sharded like the events.
        ["form_events"] = "vid",
        ["sessions"] = "visitor_id",
        ["visitor_hours"] = "visitor_id",
        ["consents"] = "vid",
        ["survey_texts"] = "vid",
    };

    public const string LocalSuffix = "_local";

    readonly HashSet<string> knownTables;

    public string Name { get; }
    public string Database { get; }

    /// <summary>The replicas of each shard as host:port of their native protocol (system.clusters), for reads of the nodes' system tables.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Shards { get; set; } = [];

    /// <summary>Credentials for <c>remote()</c> reads of the nodes' system tables.</summary>
    public string User { get; init; } = "default";
    public string Password { get; init; } = "";

    public ClusterLayout(string name, string database, IEnumerable<string> tables)
    {
        Name = new SqlIdentifier(name).Name;
        Database = new SqlIdentifier(database).Name;
        knownTables = new HashSet<string>(tables, StringComparer.Ordinal) { "schema_migrations" };
        foreach (var sharded in ShardingKeys.Keys) knownTables.Add(sharded);
    }

    /// <summary>The schema's tables: every table a migration creates.</summary>
    public static IEnumerable<string> SchemaTables(IEnumerable<string> statements) =>
        statements.Select(s => CreateTable().Match(s)).Where(m => m.Success).Select(m => m.Groups["table"].Value);

    public bool IsSharded(string table) => ShardingKeys.ContainsKey(table);

    /// <summary>The table that holds a table's rows on a node: <c>events_local</c> for a sharded table, else the table.</summary>
    public string StoredTable(string table) => IsSharded(table) ? table + LocalSuffix : table;

    /// <summary>
    /// A system table of the cluster's nodes: <c>remote('h:p,…', system, NAME, user, password)</c>. With
    /// <paramref name="everyReplica"/> every node (mutations: each replica applies its own); else one replica per shard
    /// (<c>h1|h2</c>), chosen as reads choose them (load_balancing), so that parts change when what reads see changes.
    /// </summary>
    public Sql AcrossNodes(string systemTable, bool everyReplica = true)
    {
        var table = new SqlIdentifier(systemTable).Name;
        if (Shards.Count == 0) return Sql.Trusted("system." + table);
        var addresses = string.Join(",", everyReplica ? Shards.SelectMany(s => s) : Shards.Select(s => string.Join("|", s)));
        return Sql.Query($"remote({addresses}, system, {new SqlIdentifier(table)}, {User}, {Password})");
    }

    /// <summary>
    /// The statements that run a statement on the cluster. DDL and mutations are rewritten; any other statement only
    /// gets its table names qualified.
    /// </summary>
    public IReadOnlyList<string> Rewrite(string statement)
    {
        if (CreateTable().Match(statement) is { Success: true } create) return RewriteCreate(statement, create);
        if (CreateView().Match(statement) is { Success: true } view) return [RewriteView(view)];
        if (AlterTable().Match(statement) is { Success: true } alter) return RewriteAlter(alter);
        if (DropTable().Match(statement) is { Success: true } drop)
        {
            var table = drop.Groups["table"].Value;
            var ifExists = drop.Groups["if"].Value;
            return IsSharded(table)
                ? [$"DROP TABLE {ifExists}{Qualified(table)} ON CLUSTER {Name}", $"DROP TABLE {ifExists}{Qualified(table + LocalSuffix)} ON CLUSTER {Name}"]
                : [$"DROP TABLE {ifExists}{Qualified(table)} ON CLUSTER {Name}"];
        }
        if (TableMaintenance().Match(statement) is { Success: true } maintenance)
        {
            // TRUNCATE and OPTIMIZE act on a node's stored rows: the _local tables of every shard, or a replicated table
            // (whose replicas follow the one that runs it).
            var table = maintenance.Groups["table"].Value;
            var verb = maintenance.Groups["verb"].Value.ToUpperInvariant();
            var rest = maintenance.Groups["rest"].Value;
            return IsSharded(table) || verb == "TRUNCATE"
                ? [$"{verb} TABLE {maintenance.Groups["if"].Value}{Qualified(StoredTable(table))} ON CLUSTER {Name}{rest}"]
                : [$"{verb} TABLE {Qualified(table)}{rest}"];
        }
        return [ForReading(statement)];
    }

    IReadOnlyList<string> RewriteCreate(string statement, Match create)
    {
        var table = create.Groups["table"].Value;
        var open = create.Index + create.Length - 1;
        var close = MatchingParenthesis(statement, open);
        var columns = statement[open..(close + 1)];
        var tail = statement[(close + 1)..];
        var engine = EngineClause().Match(tail);
        if (!engine.Success || !IsMergeTree(engine.Groups["engine"].Value))
            return [$"CREATE TABLE IF NOT EXISTS {Qualified(table)} ON CLUSTER {Name} {columns}{tail}"];

        var kind = engine.Groups["engine"].Value;
        var args = engine.Groups["args"].Value.Trim();
        var after = tail[(engine.Index + engine.Length)..];
        string Replicated(string stored, string shard) =>
            $"ENGINE = Replicated{kind}('/clickhouse/tables/{shard}/{Database}/{stored}', '{{replica}}'{(args.Length > 0 ? ", " + args : "")})";

        if (!IsSharded(table))
            return [$"CREATE TABLE IF NOT EXISTS {Qualified(table)} ON CLUSTER {Name} {columns}\n{Replicated(table, "all")}{after}"];
        var local = table + LocalSuffix;
        return
        [
            $"CREATE TABLE IF NOT EXISTS {Qualified(local)} ON CLUSTER {Name} {columns}\n{Replicated(local, "{shard}")}{after}",
            $"CREATE TABLE IF NOT EXISTS {Qualified(table)} ON CLUSTER {Name} {columns}\n{Distributed(table)}",
        ];
    }

    /// <summary>
    /// The view on every node, from the stored table of its source to the stored table of its target: a view on a
    /// Distributed table would only see the inserts of the node it is on. Its SELECT reads one table (<c>FROM name</c>, then
    /// optionally one <c>WHERE</c> over that table's columns).
    /// </summary>
    string RewriteView(Match view)
    {
        var select = view.Groups["select"].Value;
        var from = ViewSource().Match(select);
        if (!from.Success) throw new ArgumentException("A materialized view's SELECT must read one table: FROM name.");
        var source = from.Groups["table"].Value;
        var stored = select[..from.Index] + $"FROM {Qualified(StoredTable(source))}{from.Groups["where"].Value}" + select[(from.Index + from.Length)..];
        return $"CREATE MATERIALIZED VIEW IF NOT EXISTS {Qualified(view.Groups["table"].Value)} ON CLUSTER {Name} "
               + $"TO {Qualified(StoredTable(view.Groups["target"].Value))}\n{stored}";
    }

    IReadOnlyList<string> RewriteAlter(Match alter)
    {
        var table = alter.Groups["table"].Value;
        var action = Qualify(alter.Groups["rest"].Value);
        // A replicated table takes a schema change or a mutation from one replica to all: no ON CLUSTER for the tables
        // replicated to every node (it would run once per shard on the same table).
        if (!IsSharded(table)) return [$"ALTER TABLE {Qualified(table)} {action}"];
        var local = $"ALTER TABLE {Qualified(table + LocalSuffix)} ON CLUSTER {Name} {action}";
        if (!SchemaChange().IsMatch(action)) return [local];
        // 18.16 refuses ALTER … ON CLUSTER of a Distributed table over replicated shards ("isn't replicated"): it holds no
        // rows (inserts are synchronous), so it is made again over the changed local table.
        return
        [
            local,
            $"DROP TABLE IF EXISTS {Qualified(table)} ON CLUSTER {Name}",
            $"CREATE TABLE IF NOT EXISTS {Qualified(table)} ON CLUSTER {Name} AS {Qualified(table + LocalSuffix)}\n{Distributed(table)}",
        ];
    }

    /// <summary>
    /// Qualifies each known table that follows FROM or JOIN with the database (not ARRAY JOIN, not a table function,
    /// not inside a string literal or an already qualified name).
    /// </summary>
    public string Qualify(string sql)
    {
        var sb = new StringBuilder(sql.Length + 32);
        string? previous = null, beforePrevious = null;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                var end = EndOfQuoted(sql, i, c);
                sb.Append(sql, i, end - i);
                i = end;
                previous = beforePrevious = null;
                continue;
            }
            if (c == '`' || char.IsAsciiLetter(c) || c == '_')
            {
                var quoted = c == '`';
                var end = quoted ? EndOfQuoted(sql, i, '`') : EndOfWord(sql, i);
                var word = quoted ? sql[(i + 1)..(end - 1)] : sql[i..end];
                var next = NextNonSpace(sql, end);
                var prevChar = PreviousNonSpace(sql, i);
                if ((previous is "FROM" || (previous is "JOIN" && beforePrevious is not "ARRAY"))
                    && knownTables.Contains(word) && next is not ('.' or '(') && prevChar != '.')
                    sb.Append(Qualified(word));
                else
                    sb.Append(sql, i, end - i);
                beforePrevious = previous;
                previous = quoted ? word : word.ToUpperInvariant();
                i = end;
                continue;
            }
            if (!char.IsWhiteSpace(c)) previous = beforePrevious = null;
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>A query (or <c>INSERT … SELECT</c>) on the cluster: <see cref="Qualify"/>, then <see cref="Globalize"/>.</summary>
    public string ForReading(string sql) => Globalize(Qualify(sql));

    static readonly HashSet<string> JoinModifiers = new(StringComparer.Ordinal) { "ANY", "ALL", "ASOF", "SEMI", "ANTI", "LEFT", "RIGHT", "INNER", "FULL", "OUTER", "CROSS" };

    /// <summary>
    /// Makes every <c>IN</c>/<c>NOT IN</c> subquery (<c>IN (SELECT …</c>) and every <c>JOIN</c> (not <c>ARRAY JOIN</c>)
    /// <c>GLOBAL</c>. In a query over a Distributed table, the subquery or the join's right side then runs once, on the
    /// node asked, and its result is sent to every shard with the query, instead of each shard reading its own copy of
    /// the tables replicated to every node (identity links, customers, orders, session pointers …): that copy can lack
    /// a write the node asked already has (replication is asynchronous), and the answer would depend on it. In a query
    /// over anything else (a subquery, a replicated table) ClickHouse ignores <c>GLOBAL</c>. Not for mutations: an
    /// <c>ALTER … ON CLUSTER</c> runs on each shard by itself (<see cref="RewriteAlter"/> qualifies only).
    /// </summary>
    public static string Globalize(string sql)
    {
        var sb = new StringBuilder(sql.Length + 32);
        string? previous = null, beforePrevious = null;
        var previousAt = -1;   // where the previous word starts in sb
        var joinRunAt = -1;    // where the run of join modifiers (ANY LEFT …) before the current word starts in sb
        string? beforeRun = null;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"' or '`')
            {
                var end = EndOfQuoted(sql, i, c);
                sb.Append(sql, i, end - i);
                i = end;
                previous = beforePrevious = null;
                joinRunAt = -1;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var end = EndOfWord(sql, i);
                var word = sql[i..end].ToUpperInvariant();
                if (word == "JOIN" && previous != "ARRAY" && (joinRunAt >= 0 ? beforeRun : previous) != "GLOBAL")
                    sb.Insert(joinRunAt >= 0 ? joinRunAt : sb.Length, "GLOBAL ");
                else if (word == "IN" && previous != "GLOBAL" && !(previous == "NOT" && beforePrevious == "GLOBAL") && SubqueryFollows(sql, end))
                    sb.Insert(previous == "NOT" ? previousAt : sb.Length, "GLOBAL ");
                previousAt = sb.Length;
                sb.Append(sql, i, end - i);
                if (!JoinModifiers.Contains(word)) joinRunAt = -1;
                else if (joinRunAt < 0) (joinRunAt, beforeRun) = (previousAt, previous);
                beforePrevious = previous;
                previous = word;
                i = end;
                continue;
            }
            if (!char.IsWhiteSpace(c)) { previous = beforePrevious = null; joinRunAt = -1; }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>Whether a subquery follows position <paramref name="i"/>: opening parentheses, then SELECT.</summary>
    static bool SubqueryFollows(string sql, int i)
    {
        var opened = false;
        while (i < sql.Length && (char.IsWhiteSpace(sql[i]) || sql[i] == '('))
        {
            opened |= sql[i] == '(';
            i++;
        }
        return opened && EndOfWord(sql, i) - i == 6 && sql.AsSpan(i, 6).Equals("SELECT", StringComparison.OrdinalIgnoreCase);
    }

    string Distributed(string table) => $"ENGINE = Distributed({Name}, {Database}, {table + LocalSuffix}, cityHash64({ShardingKeys[table]}))";

    string Qualified(string table) => $"`{Database}`.`{table}`";

    static bool IsMergeTree(string engine) => engine.EndsWith("MergeTree", StringComparison.Ordinal) && !engine.StartsWith("Replicated", StringComparison.Ordinal);

    static int MatchingParenthesis(string sql, int open)
    {
        var depth = 0;
        for (var i = open; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c is '\'' or '`' or '"') { i = EndOfQuoted(sql, i, c) - 1; continue; }
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        throw new ArgumentException("A CREATE TABLE statement without its closing parenthesis.");
    }

    static int EndOfQuoted(string sql, int start, char quote)
    {
        for (var i = start + 1; i < sql.Length; i++)
        {
            if (sql[i] == '\\') { i++; continue; }
            if (sql[i] == quote) return i + 1;
        }
        return sql.Length;
    }

    static int EndOfWord(string sql, int start)
    {
        var i = start;
        while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] == '_')) i++;
        return i;
    }

    static char NextNonSpace(string sql, int i)
    {
        while (i < sql.Length && char.IsWhiteSpace(sql[i])) i++;
        return i < sql.Length ? sql[i] : '\0';
    }

    static char PreviousNonSpace(string sql, int i)
    {
        i--;
        while (i >= 0 && char.IsWhiteSpace(sql[i])) i--;
        return i >= 0 ? sql[i] : '\0';
    }

    const string TableName = @"(?:`?\w+`?\.)?`?(?<table>\w+)`?";

    [GeneratedRegex(@"\A\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?" + TableName + @"\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"\A\s*CREATE\s+MATERIALIZED\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?" + TableName + @"\s+TO\s+(?:`?\w+`?\.)?`?(?<target>\w+)`?\s+(?<select>AS\s+SELECT\b.*)\z",
        RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex CreateView();

    [GeneratedRegex(@"\bFROM\s+(?:`?\w+`?\.)?`?(?<table>\w+)`?(?<where>\s+WHERE\s[^()]*)?\s*\z", RegexOptions.IgnoreCase)]
    private static partial Regex ViewSource();

    [GeneratedRegex(@"\A\s*ALTER\s+TABLE\s+" + TableName + @"\s+(?<rest>.*)\z", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"\A\s*DROP\s+TABLE\s+(?<if>IF\s+EXISTS\s+)?" + TableName + @"\s*\z", RegexOptions.IgnoreCase)]
    private static partial Regex DropTable();

    [GeneratedRegex(@"\A\s*(?<verb>TRUNCATE|OPTIMIZE)\s+TABLE\s+(?<if>IF\s+EXISTS\s+)?" + TableName + @"(?<rest>.*)\z", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TableMaintenance();

    [GeneratedRegex(@"\A\s*ENGINE\s*=\s*(?<engine>\w+)\s*\((?<args>[^)]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex EngineClause();

    [GeneratedRegex(@"\A\s*(?:ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b", RegexOptions.IgnoreCase)]
    private static partial Regex SchemaChange();
}
