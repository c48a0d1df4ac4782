using System.Text;
using Analytics.Storage;

namespace Analytics.Reports.Funnel;

/// <summary>
/// A page path as funnel steps and goals name it: exact (<c>/cart</c>), or a pattern where <c>*</c> stands for any
/// characters, <c>/</c> included (<c>/shoes/*</c>, <c>/blog/*/comments</c>). A pattern matches the whole path.
/// </summary>
public static class PathPattern
{
    public const int MaxLength = 1000;

    public static bool IsPattern(string path) => path.Contains('*');

    /// <summary>SQL that is 1 when the column <c>path</c> matches.</summary>
    public static Sql Matches(string path) => IsPattern(path)
        ? Sql.Query($"match(path, {Regex(path)})")
        : Sql.Query($"path = {path}");

    /// <summary>
    /// The pattern as an anchored RE2 expression: every ASCII character but letters and digits escaped, <c>*</c> as
    /// <c>.*</c> (RE2 takes escaped ASCII punctuation literally; other characters stand for themselves).
    /// </summary>
    public static string Regex(string pattern)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            if (c == '*') regex.Append(".*");
            else if (c is > ' ' and < (char)127 && !char.IsAsciiLetterOrDigit(c)) regex.Append('\\').Append(c);
            else regex.Append(c);
        }
        return regex.Append('$').ToString();
    }
}
