namespace Analytics.Storage.Embedded;

/// <summary>
/// The chDB engine of this process. ClickHouse keeps one global context per process, so one data path per
/// process: every <see cref="EmbeddedClickHouse"/> shares it (tests isolate themselves by database instead).
/// One anchor connection stays open for the life of the process: closing the last connection shuts the engine
/// down, which chDB 26.7 does not do cleanly with MergeTree tables.
/// </summary>
internal sealed class ChdbEngine
{
    static readonly object Gate = new();
    static ChdbEngine? current;

    readonly IReadOnlyList<string> arguments;
    readonly ChdbConnection anchor;

    public string DataPath { get; }

    /// <summary>Whether this process opened the engine (see <see cref="NativeExit"/>).</summary>
    public static bool Opened
    {
        get { lock (Gate) return current is not null; }
    }

    ChdbEngine(string dataPath, IReadOnlyList<string> arguments)
    {
        DataPath = dataPath;
        this.arguments = arguments;
        anchor = ChdbConnection.Open(arguments); // fails at start, with a clear message, when the path is locked
    }

    public static ChdbEngine Open(string dataPath, IReadOnlyList<string> settings)
    {
        var full = Path.GetFullPath(dataPath);
        lock (Gate)
        {
            if (current is not null)
            {
                if (current.DataPath != full)
                    throw new EmbeddedEngineException(
                        $"The embedded ClickHouse of this process already runs on '{current.DataPath}'; it cannot open '{full}' too.");
                return current;
            }
            ChdbLibrary.EnsureResolver();
            // .NET owns SIGSEGV & co. (NullReferenceException); chDB must not install its own crash handlers.
            ChdbNative.SetSignalHandlersEnabled(0);
            Directory.CreateDirectory(full);
            var arguments = new List<string> { "clickhouse", $"--path={full}" };
            arguments.AddRange(settings);
            return current = new ChdbEngine(full, arguments);
        }
    }

    public ChdbConnection Connect() => ChdbConnection.Open(arguments);
}
