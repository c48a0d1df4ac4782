using System.Buffers.Binary;
using System.Text;

namespace Analytics.Storage;

/// <summary>Reads back what <see cref="RowBinaryWriter"/> wrote: the few values the writer needs, and skips the rest by type.</summary>
public ref struct RowBinaryReader(ReadOnlySpan<byte> row)
{
    readonly ReadOnlySpan<byte> row = row;
    int offset;

    /// <summary>How many bytes were read or skipped: after a whole row, its length.</summary>
    public readonly int Position => offset;

    public uint UInt32()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(row[offset..]);
        offset += 4;
        return value;
    }

    public Guid Uuid()
    {
        Span<byte> bigEndian = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian, BinaryPrimitives.ReadUInt64LittleEndian(row[offset..]));
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[8..], BinaryPrimitives.ReadUInt64LittleEndian(row[(offset + 8)..]));
        offset += 16;
        return new Guid(bigEndian, bigEndian: true);
    }

    public string String()
    {
        var length = (int)VarUInt();
        var value = Encoding.UTF8.GetString(row.Slice(offset, length));
        offset += length;
        return value;
    }

    public ulong VarUInt()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = row[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    /// <summary>Steps over one value of a ClickHouse type as RowBinary encodes it.</summary>
    public void Skip(string type)
    {
        switch (type)
        {
            case "UInt8" or "Int8": offset += 1; break;
            case "UInt16" or "Int16" or "Date": offset += 2; break;
            case "UInt32" or "Int32" or "Float32" or "DateTime": offset += 4; break;
            case "UInt64" or "Int64" or "Float64": offset += 8; break;
            case "UUID": offset += 16; break;
            case "String":
                var length = (int)VarUInt(); // read first: "offset += VarUInt()" would add to the offset before the length's bytes
                offset += length;
                break;
            default:
                if (type.StartsWith("Array(") && type.EndsWith(')'))
                {
                    var element = type[6..^1];
                    for (var n = VarUInt(); n > 0; n--) Skip(element);
                    break;
                }
                throw new NotSupportedException($"RowBinaryReader cannot skip a value of type {type}.");
        }
    }
}
