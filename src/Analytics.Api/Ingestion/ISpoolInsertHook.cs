namespace Analytics.Ingestion;

/// <summary>
/// Told about the rows of a batch before each insert attempt and again once they are stored (a keyed service under
/// the table's name; the events table has one: the session refresh's dirty marks). A failure counts as a failed
/// attempt, so the batch is retried, never stored unmarked.
/// </summary>
public interface ISpoolInsertHook
{
    Task RowsStoringAsync(IReadOnlyList<SpooledRowKey> rows, CancellationToken ct);
}
