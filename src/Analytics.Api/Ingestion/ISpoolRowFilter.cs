namespace Analytics.Ingestion;

/// <summary>
/// Rows of a batch that must never be stored (a singleton; the privacy tombstones implement it: rows of an erased
/// subject, docs/privacy.md "Tombstones"). Asked before each insert attempt; a failure counts as a failed attempt,
/// so the batch is retried, never stored unchecked.
/// </summary>
public interface ISpoolRowFilter
{
    /// <summary>Per row of the batch, true for a row to drop; null when none is dropped.</summary>
    ValueTask<bool[]?> RowsToDropAsync(SpooledTable table, SpoolBatch batch, CancellationToken ct);
}
