using Microsoft.Extensions.Logging;

namespace Analytics.Tests.Infrastructure;

/// <summary>Writes the service's log of a test run to a file, so a failing test can show what the service said.</summary>
public sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    readonly object gate = new();

    public ILogger CreateLogger(string category) => new FileLogger(this, category);

    void Write(string line)
    {
        lock (gate) File.AppendAllText(path, line + Environment.NewLine);
    }

    public void Dispose() { }

    sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel level) => level >= LogLevel.Information;

        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Write($"{DateTime.UtcNow:HH:mm:ss.fff} {level} {category}: {formatter(state, exception)} {exception}");
    }
}
