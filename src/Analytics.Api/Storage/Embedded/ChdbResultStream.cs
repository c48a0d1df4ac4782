namespace Analytics.Storage.Embedded;

/// <summary>A read-only stream over a chDB result's buffer, without a copy; disposing it frees the result.</summary>
internal sealed unsafe class ChdbResultStream : UnmanagedMemoryStream
{
    nint result;

    public ChdbResultStream(nint result, byte* buffer, long length) : base(buffer, length)
    {
        this.result = result;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        var owned = Interlocked.Exchange(ref result, 0);
        if (owned != 0) ChdbNative.DestroyResult(owned);
    }

    ~ChdbResultStream() => Dispose(false);
}
