using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Analytics.Ingestion;

/// <summary>Checks of spool frames on disk at recovery: is a frame whole and intact, and where does the next one start.</summary>
static class SpoolFrames
{
    public const int HeaderBytes = 8;

    /// <summary>The frame at <paramref name="offset"/> if its length, checksum and row lengths check out.</summary>
    public static (long Bytes, long Rows)? Check(SafeFileHandle handle, long offset, long length)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        RandomAccess.Read(handle, header, offset);
        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (!Fits(payloadLength, offset, length)) return null;
        var payload = ArrayPool<byte>.Shared.Rent((int)payloadLength);
        try
        {
            var span = payload.AsSpan(0, (int)payloadLength);
            RandomAccess.Read(handle, span, offset + HeaderBytes);
            if (Crc32.HashToUInt32(span) != crc) return null;
            var rows = BinaryPrimitives.ReadUInt32LittleEndian(span[1..]);
            if (5 + 4L * rows > payloadLength) return null;
            long rowBytes = 0;
            for (var i = 0; i < rows; i++) rowBytes += BinaryPrimitives.ReadUInt32LittleEndian(span[(5 + 4 * i)..]);
            return 5 + 4L * rows + rowBytes == payloadLength ? (HeaderBytes + payloadLength, rows) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>Whether a header's payload length can be a frame that ends within the file.</summary>
    public static bool Fits(uint payloadLength, long offset, long length) =>
        payloadLength >= 5 && payloadLength <= Array.MaxLength && offset + HeaderBytes + payloadLength <= length;

    /// <summary>Resynchronises: the first offset from <paramref name="from"/> where a whole valid frame starts.</summary>
    public static long? NextValid(SafeFileHandle handle, long from, long length)
    {
        // Headers are scanned in a window read once; the checksum is computed only where a length fits.
        var window = new byte[(int)Math.Min(1 << 20, Math.Max(length - from, 0))];
        long windowStart = 0;
        var windowLength = 0;
        for (var offset = from; offset + HeaderBytes <= length; offset++)
        {
            if (offset + HeaderBytes > windowStart + windowLength)
            {
                windowStart = offset;
                windowLength = RandomAccess.Read(handle, window, offset);
                if (windowLength < HeaderBytes) return null;
            }
            var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(window.AsSpan((int)(offset - windowStart)));
            if (Fits(payloadLength, offset, length) && Check(handle, offset, length) is not null) return offset;
        }
        return null;
    }

    /// <summary>Whether the bytes at <paramref name="offset"/> declare a frame that would end within the file.</summary>
    public static bool DeclaresWholeFrame(SafeFileHandle handle, long offset, long length)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        RandomAccess.Read(handle, header, offset);
        return Fits(BinaryPrimitives.ReadUInt32LittleEndian(header), offset, length);
    }
}
