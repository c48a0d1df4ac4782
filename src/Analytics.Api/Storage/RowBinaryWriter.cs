using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Analytics.Storage;

/// <summary>
/// Encodes values in ClickHouse's RowBinary format into a growable pooled buffer. Both engines receive
/// exactly these bytes, so an encoding slip shows on both at once.
/// </summary>
public sealed class RowBinaryWriter : IDisposable
{
    byte[] buffer;
    int length;

    public RowBinaryWriter(int initialCapacity = 4096) => buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => length;
    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, length);
    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, length);

    public void Clear() => length = 0;

    public void UInt8(byte value) => Reserve(1)[0] = value;
    public void Bool(bool value) => UInt8(value ? (byte)1 : (byte)0);
    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);
    public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);
    public void Float64(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    /// <summary>DateTime: seconds since the Unix epoch as UInt32.</summary>
    public void DateTime(DateTimeOffset value) => UInt32((uint)Math.Clamp(value.ToUnixTimeSeconds(), 0, uint.MaxValue));

    /// <summary>UUID: the two 64-bit halves of the textual form, each little-endian.</summary>
    public void Uuid(Guid value)
    {
        Span<byte> bigEndian = stackalloc byte[16];
        value.TryWriteBytes(bigEndian, bigEndian: true, out _);
        var target = Reserve(16);
        BinaryPrimitives.WriteUInt64LittleEndian(target, BinaryPrimitives.ReadUInt64BigEndian(bigEndian));
        BinaryPrimitives.WriteUInt64LittleEndian(target[8..], BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]));
    }

    /// <summary>String: LEB128 byte length, then UTF-8 bytes.</summary>
    public void String(string? value)
    {
        value ??= "";
        var byteCount = Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)byteCount);
        Encoding.UTF8.GetBytes(value, Reserve(byteCount));
    }

    public void StringArray(IReadOnlyList<string> values)
    {
        VarUInt((ulong)values.Count);
        for (var i = 0; i < values.Count; i++) String(values[i]);
    }

    public void Bytes(ReadOnlySpan<byte> raw) => raw.CopyTo(Reserve(raw.Length));

    public void VarUInt(ulong value)
    {
        while (value >= 0x80)
        {
            UInt8((byte)(value | 0x80));
            value >>= 7;
        }
        UInt8((byte)value);
    }

    Span<byte> Reserve(int count)
    {
        if (length + count > buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + count));
            buffer.AsSpan(0, length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }
        var span = buffer.AsSpan(length, count);
        length += count;
        return span;
    }

    public void Dispose()
    {
        if (buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
        length = 0;
    }
}
