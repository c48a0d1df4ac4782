using Analytics.Ingestion;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Ingestion;

/// <summary>The on-disk queue alone: order, checkpoints, segment rolls, a torn tail after a crash, the size limit.</summary>
public sealed class SpoolTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("analytics-spool-").FullName;

    Spool Open(long maxBytes = 1 << 20, long segmentBytes = 64 * 1024) => new(directory, maxBytes, segmentBytes, NullLogger.Instance, layout: 1);

    static (byte[] Rows, int[] Lengths) Frame(params string[] rows)
    {
        var bytes = rows.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        return (bytes.SelectMany(b => b).ToArray(), bytes.Select(b => b.Length).ToArray());
    }

    static List<string> Rows(SpoolBatch batch) =>
        Enumerable.Range(0, batch.RowCount).Select(i => System.Text.Encoding.UTF8.GetString(batch.Row(i))).ToList();

    [Fact]
    public void Frames_come_back_in_order_and_a_commit_frees_them()
    {
        using var spool = Open();
        var (a, al) = Frame("one", "two");
        var (b, bl) = Frame("three");
        spool.Append(a, al);
        spool.Append(b, bl);
        Assert.Equal(3, spool.PendingRows);
        using var batch = spool.ReadBatch(100, 1 << 20)!;
        Assert.Equal(["one", "two", "three"], Rows(batch));
        Assert.False(batch.Recovered);
        spool.Commit(batch);
        Assert.Equal(0, spool.PendingRows);
        Assert.Null(spool.ReadBatch(100, 1 << 20));
    }

    [Fact]
    public void A_batch_takes_whole_frames_up_to_the_row_limit()
    {
        using var spool = Open();
        for (var i = 0; i < 5; i++) { var (r, l) = Frame($"a{i}", $"b{i}"); spool.Append(r, l); }
        using var first = spool.ReadBatch(3, 1 << 20)!;
        Assert.Equal(4, first.RowCount); // two frames: a frame is never split
        spool.Commit(first);
        using var rest = spool.ReadBatch(100, 1 << 20)!;
        Assert.Equal(6, rest.RowCount);
    }

    [Fact]
    public void Uncommitted_frames_are_read_again_after_a_restart_and_marked_as_recovered()
    {
        using (var spool = Open())
        {
            var (a, al) = Frame("kept");
            spool.Append(a, al);
            using var batch = spool.ReadBatch(100, 1 << 20)!;
            spool.Commit(batch);
            var (b, bl) = Frame("not yet stored");
            spool.Append(b, bl);
            using var unstored = spool.ReadBatch(100, 1 << 20)!; // read, but the insert "failed": no commit
        }
        using var reopened = Open();
        Assert.Equal(1, reopened.RecoveredRows);
        using var again = reopened.ReadBatch(100, 1 << 20)!;
        Assert.Equal(["not yet stored"], Rows(again));
        Assert.True(again.Recovered);
        reopened.Commit(again);
        var (c, cl) = Frame("new");
        reopened.Append(c, cl);
        using var fresh = reopened.ReadBatch(100, 1 << 20)!;
        Assert.False(fresh.Recovered);
    }

    [Fact]
    public void A_torn_frame_at_the_tail_is_cut_off_at_start()
    {
        using (var spool = Open())
        {
            var (a, al) = Frame("whole");
            spool.Append(a, al);
        }
        var segment = Directory.GetFiles(directory, "*.seg").Single();
        var length = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
            file.Write([40, 0, 0, 0, 1, 2, 3, 4, 1, 9]); // a header that promises 40 bytes, then the crash
        using var reopened = Open();
        Assert.Equal(length, new FileInfo(segment).Length);
        using var batch = reopened.ReadBatch(100, 1 << 20)!;
        Assert.Equal(["whole"], Rows(batch));
    }

    [Fact]
    public void A_whole_last_frame_with_a_wrong_checksum_is_cut_and_kept_in_dead_letter()
    {
        using (var spool = Open())
        {
            var (a, al) = Frame("first");
            spool.Append(a, al);
            var (b, bl) = Frame("second");
            spool.Append(b, bl);
        }
        var segment = Directory.GetFiles(directory, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[^1] ^= 0xFF; // flip a bit of the last frame
        File.WriteAllBytes(segment, bytes);
        using var reopened = Open();
        using var batch = reopened.ReadBatch(100, 1 << 20)!;
        Assert.Equal(["first"], Rows(batch));
        Assert.Single(Directory.GetFiles(Path.Combine(directory, "dead-letter"), "*.corrupt"));
    }

    [Theory]
    [InlineData(20)] // in the payload: the checksum fails
    [InlineData(1)]  // in the length: the frame seems to end elsewhere
    public void A_corrupt_frame_in_the_middle_is_set_aside_and_the_frames_after_it_are_kept(int corruptByte)
    {
        long secondAt, thirdAt;
        using (var spool = Open())
        {
            var (a, al) = Frame("first");
            spool.Append(a, al);
            secondAt = new FileInfo(Directory.GetFiles(directory, "*.seg").Single()).Length;
            var (b, bl) = Frame("second, corrupted on disk", "with two rows");
            spool.Append(b, bl);
            thirdAt = new FileInfo(Directory.GetFiles(directory, "*.seg").Single()).Length;
            var (c, cl) = Frame("third");
            spool.Append(c, cl);
            var (d, dl) = Frame("fourth");
            spool.Append(d, dl);
        }
        var segment = Directory.GetFiles(directory, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[secondAt + corruptByte] ^= 0x5A;
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();
        Assert.Equal(3, reopened.RecoveredRows);
        using var batch = reopened.ReadBatch(100, 1 << 20)!;
        Assert.Equal(["first", "third", "fourth"], Rows(batch));
        reopened.Commit(batch);
        Assert.Equal(0, reopened.PendingRows);
        Assert.Equal(0, reopened.PendingBytes);
        var setAside = Directory.GetFiles(Path.Combine(directory, "dead-letter"), "*.corrupt").Single();
        Assert.Equal(bytes[(int)secondAt..(int)thirdAt], File.ReadAllBytes(setAside));
    }

    [Fact]
    public void Frames_keep_the_layout_they_were_written_with()
    {
        using (var old = new Spool(directory, 1 << 20, 64 * 1024, NullLogger.Instance, layout: 1))
        {
            var (a, al) = Frame("old");
            old.Append(a, al);
        }
        using var upgraded = new Spool(directory, 1 << 20, 64 * 1024, NullLogger.Instance, layout: 2);
        var (b, bl) = Frame("new");
        upgraded.Append(b, bl);
        using var batch = upgraded.ReadBatch(100, 1 << 20)!;
        Assert.Equal(["old", "new"], Rows(batch));
        Assert.Equal([1, 2], new[] { batch.Layout(0), batch.Layout(1) });
        Assert.Equal([1, 2], batch.Layouts);
    }

    [Fact]
    public void Segments_roll_and_committed_ones_are_deleted()
    {
        using var spool = Open(segmentBytes: 64 * 1024);
        var row = new string('x', 10_000);
        for (var i = 0; i < 20; i++) { var (r, l) = Frame(row); spool.Append(r, l); }
        Assert.True(Directory.GetFiles(directory, "*.seg").Length > 2);
        while (spool.ReadBatch(3, 1 << 20) is { } batch) using (batch) spool.Commit(batch);
        Assert.Single(Directory.GetFiles(directory, "*.seg"));
        Assert.Equal(0, spool.PendingBytes);
    }

    [Fact]
    public void A_full_spool_refuses_a_frame_and_accepts_again_after_a_commit()
    {
        using var spool = Open(maxBytes: 1 << 20);
        var row = new string('x', 100_000);
        var accepted = 0;
        Assert.Throws<SpoolFullException>(() =>
        {
            for (var i = 0; i < 100; i++) { var (r, l) = Frame(row); spool.Append(r, l); accepted++; }
        });
        Assert.InRange(accepted, 9, 10);
        using (var batch = spool.ReadBatch(2, 1 << 20)!) spool.Commit(batch);
        var (more, moreLengths) = Frame(row);
        spool.Append(more, moreLengths);
    }

    [Fact]
    public void A_second_spool_on_the_same_directory_is_refused()
    {
        using var spool = Open();
        var e = Assert.Throws<IOException>(() => Open());
        Assert.Contains("in use by another running service", e.Message);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
