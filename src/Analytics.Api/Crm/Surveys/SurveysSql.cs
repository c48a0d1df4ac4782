using Analytics.Crm.Rfm;
using Analytics.Customers;
using Analytics.Ingestion;
using Analytics.Reports.Filters;
using Analytics.Storage;

namespace Analytics.Crm.Surveys;

/// <summary>
/// The survey report's one statement: the scope's answer and rating events (the report filters applied by
/// <see cref="ReportSql.Events(ReportScope, long, long, ReportDimension?, Sql?, bool, IReadOnlyList{string}?, bool, Sql?, bool)"/>,
/// only these two types read, and only their visitors' identity links), each with its person's A/B/C class and RFM
/// segment and its session's channel, counted per breakdown and value, survey, question and bucket. The handler sums
/// these rows over buckets or questions where it needs totals.
/// </summary>
public static class SurveysSql
{
    /// <summary>The answer's fields from the props (<see cref="SurveyFields.AddTo"/>), and whether its visitor was ever linked.</summary>
    static readonly ReportDimension AnswerFields = new("survey_answer", DimensionSource.Event, Sql.Query($"""
        [props_values[indexOf(props_keys, 'survey')], props_values[indexOf(props_keys, 'question')],
         props_values[indexOf(props_keys, 'score')], props_values[indexOf(props_keys, 'stars')], toString(linked)]
        """), ["props_keys", "props_values"]);

    /// <summary>The visitors with an answer or a rating in the scope's range (a superset: no filters): whose sessions <see cref="Cube"/> needs.</summary>
    public static Sql Answerers(ReportScope scope) => Sql.Query($"""
        SELECT vid FROM {new SqlIdentifier(EventColumns.TableFor(SurveyFields.Types))}
        WHERE site_id = {scope.Site.Id} AND type IN {SqlInList.Of([.. SurveyFields.Types])}
            AND ts >= {scope.From} AND ts <= {scope.To} {EventDates.From(scope.FromMs)} {EventDates.Until(scope.ToMs)}
        """);

    /// <param name="sessions">The sessions that may hold an answer of the range, of the <see cref="Answerers"/>.</param>
    public static Sql Cube(ReportScope scope, ReportInterval interval, Sql sessions, CustomerOptions abc)
    {
        var answers = Sql.Query($"""
            SELECT type, ts_ms, vid, person, value[1] AS survey, value[2] AS question, value[3] != '' AS has_score,
                toInt32OrZero(value[3]) AS score, toInt32OrZero(value[4]) AS stars, value[5] = '1' AS identified,
                {ReportIntervals.KeySql(interval, Sql.Query($"ts"), scope.Zone)} AS bucket
            FROM ({ReportSql.Events(scope, scope.FromMs, scope.ToMs, AnswerFields, AnswerFields.Value, types: [.. SurveyFields.Types], fewRows: true)})
            """);
        // The answering person's class and RFM segment over the report's range, one join each (one JOIN per SELECT on 18.16).
        var withClass = Sql.Query($"""
            SELECT type, ts_ms, vid, person, identified, survey, question, has_score, score, stars, bucket,
                if(identified, if(abc_class = '', 'C', abc_class), 'anonymous') AS class
            FROM ({answers}) AS answers
            ANY LEFT JOIN (SELECT customer_id AS person, class AS abc_class FROM ({AbcSql.Classes(scope.Orders, scope.From, scope.To, abc)})) AS classes USING person
            """);
        var withSegment = Sql.Query($"""
            SELECT type, ts_ms, vid, survey, question, has_score, score, stars, bucket, class,
                if(identified, if(rfm = '', 'unscored', rfm), 'anonymous') AS rfm_segment
            FROM ({withClass}) AS classed
            ANY LEFT JOIN (SELECT customer_id AS person, segment AS rfm FROM ({RfmSql.Segments(scope.Orders, scope.From, scope.To)})) AS segments USING person
            """);
        // The channel of the answer's session: the visitor's session whose span holds the answer (the time goes into the
        // lambda as an array: 18.16 loses a joined column only a lambda captures). The sessions are the answerers' only
        // (SessionQuery.VisitorsOf, Answerers).
        var sessionsOfAnswerers = Sql.Query($"""
            SELECT visitor_id AS vid, groupArray(start_ms) AS session_starts, groupArray(end_ms) AS session_ends, groupArray(channel) AS session_channels
            FROM ({sessions}) AS answer_sessions
            GROUP BY visitor_id
            """);
        // Each answer counts once per breakdown (all, class, channel, rfm_segment): the result grows with the values
        // of each breakdown added up, not multiplied.
        return Sql.Query($"""
            SELECT breakdown.1 AS breakdown_by, breakdown.2 AS breakdown_value, survey, question, bucket,
                countIf(has_score) AS scores, countIf(has_score AND score >= 9) AS promoters, countIf(has_score AND score <= 6) AS detractors,
                countIf(type = 'rating') AS ratings, sumIf(stars, type = 'rating') AS stars
            FROM
            (
                SELECT type, survey, question, has_score, score, stars, bucket,
                    arrayJoin([('all', ''), ('class', class), ('channel', if(channel = '', '(none)', channel)), ('rfm_segment', rfm_segment)]) AS breakdown
                FROM
                (
                    SELECT type, survey, question, has_score, score, stars, bucket, class, rfm_segment,
                        arrayFirst((c, lo, hi, t) -> t >= lo AND t <= hi, session_channels, session_starts, session_ends,
                            arrayResize(emptyArrayUInt64(), length(session_starts), toUInt64(ts_ms))) AS channel
                    FROM ({withSegment}) AS segmented
                    ANY LEFT JOIN ({sessionsOfAnswerers}) AS answerer_sessions USING vid
                )
            )
            GROUP BY breakdown_by, breakdown_value, survey, question, bucket
            """);
    }
}
