using System.Buffers;
using System.Net;
using Analytics.Ingestion;

namespace Analytics.Tests.Ingestion;

/// <summary>How the body reader spends memory, and whose address the rate limit counts (pure logic, no service).</summary>
public class CollectBodyTests
{
    /// <summary>The shared pool, remembering the largest buffer asked of it.</summary>
    sealed class RecordingPool : ArrayPool<byte>
    {
        public int LargestRent;
        public override byte[] Rent(int minimumLength)
        {
            LargestRent = Math.Max(LargestRent, minimumLength);
            return Shared.Rent(minimumLength);
        }
        public override void Return(byte[] array, bool clearArray = false) => Shared.Return(array, clearArray);
    }

    /// <summary>A body that sends a few bytes, then stays silent until the test ends it.</summary>
    sealed class SilentBody : Stream
    {
        public readonly TaskCompletionSource Waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<int> End = new(TaskCreationOptions.RunContinuationsAsynchronously);
        bool sent;
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (!sent)
            {
                sent = true;
                "{\"a\":1}"u8.CopyTo(buffer.Span);
                return ValueTask.FromResult(7);
            }
            Waiting.TrySetResult();
            return new ValueTask<int>(End.Task);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_declared_length_without_bytes_does_not_allocate_it()
    {
        var pool = new RecordingPool();
        var body = new SilentBody();
        var read = CollectBody.ReadAsync(body, declaredLength: 250_000, maxBytes: 256 * 1024, pool, CancellationToken.None);
        await body.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the reader waits for the bytes the client claimed
        Assert.True(pool.LargestRent <= CollectBody.InitialBufferBytes, $"rented {pool.LargestRent} bytes before they arrived");
        body.End.SetResult(0);
        var (outcome, buffer, length) = await read;
        Assert.Equal(CollectBody.Outcome.Ok, outcome);
        Assert.Equal(7, length);
        pool.Return(buffer);
    }

    [Fact]
    public async Task The_buffer_grows_with_the_bytes_up_to_the_limit()
    {
        var pool = new RecordingPool();
        var body = new byte[100_000];
        var (outcome, buffer, length) = await CollectBody.ReadAsync(new MemoryStream(body), null, 256 * 1024, pool, CancellationToken.None);
        Assert.Equal((CollectBody.Outcome.Ok, 100_000), (outcome, length));
        Assert.True(pool.LargestRent < 2 * 131_072 + 1, $"rented {pool.LargestRent}");
        pool.Return(buffer);

        var (tooLarge, _, _) = await CollectBody.ReadAsync(new MemoryStream(new byte[300_000]), null, 256 * 1024, pool, CancellationToken.None);
        Assert.Equal(CollectBody.Outcome.TooLarge, tooLarge);
        Assert.True(pool.LargestRent <= 256 * 1024 + 1);
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::")]
    [InlineData("81.2.69.142", "81.2.69.142")]
    [InlineData("::ffff:81.2.69.142", "81.2.69.142")]
    public void The_rate_limit_counts_an_IPv6_client_per_64(string address, string key)
    {
        Assert.Equal(IPAddress.Parse(key), IngestionSetup.RateLimitKey(IPAddress.Parse(address)));
    }
}
