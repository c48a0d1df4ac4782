using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Storage;

namespace Analytics.Privacy.Requests;

/// <summary>
/// The subject of a request on one site: the id asked for (<see cref="Asked"/>), and every id resolved for it once per
/// run: a customer id with every visitor id linked to it (identity links, the CRM profile's visitor ids), or a
/// single visitor id.
/// </summary>
public sealed record Subject(string SiteId, SubjectRef Asked, IReadOnlyList<string> CustomerIds, IReadOnlyList<string> VisitorIds)
{
    /// <summary>Every id of the subject, customer ids first.</summary>
    public IEnumerable<SubjectRef> Ids =>
        CustomerIds.Select(id => new SubjectRef(SubjectKey.Customer, id)).Concat(VisitorIds.Select(id => new SubjectRef(SubjectKey.Visitor, id)));

    IReadOnlyList<string> IdsOf(SubjectKey key) => key == SubjectKey.Customer ? CustomerIds : VisitorIds;

    /// <summary>Whether <paramref name="id"/> is one of the subject's ids of that kind.</summary>
    public bool Has(SubjectKey key, string id) => id.Length > 0 && IdsOf(key).Contains(id);

    /// <summary>
    /// The rows of <paramref name="table"/> that belong to the subject: on this site, one of its subject columns holding
    /// one of the subject's ids (an array column by has(), which ClickHouse 18.16 and 26.7 both have).
    /// </summary>
    public Sql RowsOf(PersonalTable table)
    {
        Sql? any = null;
        foreach (var column in table.SubjectColumns)
        {
            var ids = IdsOf(column.Key);
            if (ids.Count == 0) continue;
            var name = new SqlIdentifier(column.Column);
            Sql match = Sql.Query($"{name} IN {SqlInList.Of(ids)}");
            if (column.IsArray)
            {
                match = Sql.Query($"has({name}, {ids[0]})");
                foreach (var id in ids.Skip(1)) match = Sql.Query($"{match} OR has({name}, {id})");
            }
            any = any is { } before ? Sql.Query($"{before} OR {match}") : match;
        }
        return any is { } condition ? Sql.Query($"site_id = {SiteId} AND ({condition})") : Sql.Query($"0");
    }
}
