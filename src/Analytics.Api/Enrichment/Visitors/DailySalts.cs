using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Enrichment.Visitors;

/// <summary>A random 32-byte salt per UTC day, kept on disk so a restart keeps today's visitor hashes stable.</summary>
/// <remarks>
/// Files are `yyyy-MM-dd.salt` in the given directory (the service passes `$ANALYTICS_DATA_DIR/salts`), owner
/// read/write only. A salt whose day began 48 hours ago or more is deleted from disk and memory, so after two
/// days no stored hash can be recomputed from an IP and a user agent any more: at construction (start-up after a
/// downtime), on the first use of a day, and at each UTC midnight (<see cref="KeepDeletingExpiredAsync"/>). Salts are never logged.
/// Thread-safe: the current salt is read without a lock; only a change of day takes one.
/// </remarks>
public sealed class DailySalts
{
    public const int SaltLength = 32;
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(48);

    private readonly string directory;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<DateOnly, byte[]> kept = [];
    private volatile DaySalt? today;

    public DailySalts(string directory, TimeProvider? time = null, ILogger<DailySalts>? logger = null)
    {
        this.directory = Path.GetFullPath(directory);
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger<DailySalts>.Instance;
        Storage.PrivateFiles.CreateDirectory(this.directory);
        lock (gate) DeleteExpired(); // at start-up, after a downtime: before anything can read an expired salt
    }

    /// <summary>Today's (UTC) salt, created on first use of the day.</summary>
    public DaySalt Today()
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var current = today;
        if (current is not null && current.Day == day) return current;

        lock (gate)
        {
            current = today;
            if (current is not null && current.Day == day) return current;
            var salt = LoadOrCreate(day);
            current = new DaySalt(day, salt);
            today = current;
            DeleteExpired();
            return current;
        }
    }

    /// <summary>Yesterday's salt while it is kept (for visits that cross midnight), else null. Never created.</summary>
    public DaySalt? Yesterday()
    {
        var day = Today().Day.AddDays(-1);
        lock (gate)
        {
            if (kept.TryGetValue(day, out var salt)) return new DaySalt(day, salt);
            var file = FileOf(day);
            if (!File.Exists(file) || IsExpired(day)) return null;
            salt = Read(file);
            kept[day] = salt;
            return new DaySalt(day, salt);
        }
    }

    /// <summary>Deletes expired salts now; also happens on the first use of each day. Safe to call from a timer.</summary>
    public void Rotate()
    {
        _ = Today();
        lock (gate) DeleteExpired();
    }

    /// <summary>
    /// Deletes expired salts now and then at every UTC midnight, the moment the salt of two days before turns 48 h
    /// old, until cancelled: an idle service deletes on time, not at its next hash. Waits on the TimeProvider.
    /// </summary>
    public async Task KeepDeletingExpiredAsync(CancellationToken ct)
    {
        while (true)
        {
            Rotate();
            var now = time.GetUtcNow();
            var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            // A timer that fires a little early finds nothing expired and waits the rest on the next turn.
            await Task.Delay(midnight - now, time, ct);
        }
    }

    /// <summary>The days whose salts exist on disk (for tests and operators; never the salts themselves).</summary>
    public IReadOnlyList<DateOnly> DaysOnDisk()
    {
        var days = new List<DateOnly>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.salt"))
            if (TryParseDay(file, out var day)) days.Add(day);
        days.Sort();
        return days;
    }

    private byte[] LoadOrCreate(DateOnly day)
    {
        if (kept.TryGetValue(day, out var salt)) return salt;
        var file = FileOf(day);
        if (!File.Exists(file)) Create(file);
        salt = Read(file);
        kept[day] = salt;
        return salt;
    }

    private void Create(string file)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(salt);
            stream.Flush(flushToDisk: true);
        }
        CryptographicOperations.ZeroMemory(salt);

        // Rename, so a reader never sees half a salt; if another process (a node sharing the directory) won the race, its salt stands.
        if (File.Exists(file)) File.Delete(temporary);
        else
        {
            try
            {
                File.Move(temporary, file);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temporary);
            }
        }
        logger.LogInformation("Created the visitor-hash salt for {Day}", Path.GetFileNameWithoutExtension(file));
    }

    private static byte[] Read(string file)
    {
        var salt = File.ReadAllBytes(file);
        if (salt.Length != SaltLength)
            throw new InvalidDataException($"Salt file {file} holds {salt.Length} bytes, not {SaltLength}: delete it to start a new salt.");
        return salt;
    }

    private void DeleteExpired()
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.salt"))
        {
            if (!TryParseDay(file, out var day) || !IsExpired(day)) continue;
            File.Delete(file);
            logger.LogInformation("Deleted the visitor-hash salt for {Day}", day);
        }
        foreach (var day in kept.Keys.ToArray())
        {
            if (!IsExpired(day)) continue;
            CryptographicOperations.ZeroMemory(kept[day]);
            kept.Remove(day);
        }
    }

    private bool IsExpired(DateOnly day) =>
        time.GetUtcNow() - new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) >= MaxAge;

    private string FileOf(DateOnly day) =>
        Path.Combine(directory, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".salt");

    private static bool TryParseDay(string file, out DateOnly day) =>
        DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(file), "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.None, out day);
}

/// <summary>The salt of one UTC day. Do not log or store <see cref="Salt"/>.</summary>
public sealed record DaySalt(DateOnly Day, byte[] Salt)
{
    public override string ToString() => $"DaySalt {{ Day = {Day:yyyy-MM-dd} }}"; // keeps the salt out of logs
}
