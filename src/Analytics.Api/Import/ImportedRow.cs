using System.Text.RegularExpressions;
using Analytics.Ingestion;
using Analytics.Sites;

namespace Analytics.Import;

public static class ImportedRow
{
    /// <summary>
    /// <see cref="EventPipeline.ToImportedRow"/>, but a user agent whose analysis hits the parser's regex time limit
    /// (a loaded machine, or a string built to backtrack) costs its line, not the import: one retry, then false.
    /// </summary>
    public static bool TryBuild(EventPipeline pipeline, RawEvent raw, Site site, in ClientContext client, long tsMs, string origin, out EventRow row)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                row = pipeline.ToImportedRow(raw, site, client, tsMs, origin);
                return true;
            }
            catch (RegexMatchTimeoutException) when (attempt < 2)
            {
            }
            catch (RegexMatchTimeoutException)
            {
                row = null!;
                return false;
            }
        }
    }

    public const string TimeoutMessage = "could not be analysed within the parser's time limit";
}
