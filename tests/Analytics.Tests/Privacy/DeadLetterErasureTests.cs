using Analytics.Ingestion;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Privacy.Requests;
using Analytics.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Privacy;

/// <summary>An erasure cuts the subject's rows out of this node's dead-letter files and leaves every other row as it was.</summary>
public sealed class DeadLetterErasureTests : IDisposable
{
    readonly string dataDir = Directory.CreateTempSubdirectory("analytics-dead-letters-").FullName;
    string DeadLetters => Path.Combine(dataDir, EventColumns.Definition.SpoolName, "dead-letter");

    static byte[] Rows(params EventRow[] rows)
    {
        using var writer = new RowBinaryWriter();
        foreach (var row in rows) EventColumns.Definition.Write(row, writer);
        return writer.WrittenSpan.ToArray();
    }

    string Keep(string name, byte[] bytes)
    {
        Directory.CreateDirectory(DeadLetters);
        File.WriteAllBytes(Path.Combine(DeadLetters, name), bytes);
        File.WriteAllText(Path.Combine(DeadLetters, Path.GetFileNameWithoutExtension(name) + ".error.txt"), "refused");
        return Path.Combine(DeadLetters, name);
    }

    [Fact]
    public void The_subjects_rows_dated_before_the_erasure_are_cut_out_and_the_rest_kept()
    {
        var erasedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var before = (erasedAt - 600) * 1000;
        var layout = EventColumns.Definition.CurrentLayout;
        var (ann, bob, annElsewhere, annLater) = (Event("s1", "ann-phone", before), Event("s1", "bob-phone", before),
            Event("s2", "ann-phone", before), Event("s1", "ann-phone", (erasedAt + 60) * 1000));
        var byCustomer = Event("s1", "cookieless-hash", before);
        byCustomer.CustomerId = "C-ann";
        var mixed = Keep($"a.layout{layout}.rowbinary", Rows(ann, bob, annElsewhere, byCustomer, annLater));
        var onlyAnn = Keep($"b.layout{layout}.rowbinary", Rows(ann));
        var unknown = Keep("c.layout99.rowbinary", Rows(ann));
        var subject = new Subject("s1", new SubjectRef(SubjectKey.Customer, "C-ann"), ["C-ann"], ["ann-phone", "ann-laptop"]);

        var removed = new DeadLetterErasure(Options.Create(new StorageOptions { DataDir = dataDir }), NullLogger<DeadLetterErasure>.Instance).Erase(subject, erasedAt);

        Assert.Equal(3, removed);
        Assert.Equal(Rows(bob, annElsewhere, annLater), File.ReadAllBytes(mixed));
        Assert.False(File.Exists(onlyAnn));
        Assert.False(File.Exists(Path.Combine(DeadLetters, $"b.layout{layout}.error.txt")));
        Assert.True(File.Exists(Path.Combine(DeadLetters, $"a.layout{layout}.error.txt")));
        Assert.Equal(Rows(ann), File.ReadAllBytes(unknown)); // a layout this build cannot read is left
    }

    public void Dispose() => Directory.Delete(dataDir, recursive: true);
}
