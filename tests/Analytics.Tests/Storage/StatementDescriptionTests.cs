using Analytics.Storage;

namespace Analytics.Tests.Storage;

/// <summary>Storage errors name a statement by its kind and table, never by its values (they reach the logs).</summary>
public sealed class StatementDescriptionTests
{
    [Theory]
    [InlineData("INSERT INTO consents (consent_id, vid, user_agent) VALUES ('c1', 'vid-secret', 'Mozilla/5.0 secret')", "INSERT INTO consents")]
    [InlineData("SELECT toString(event_id) AS id FROM events\nWHERE site_id IN ('s1') AND event_id IN ('e1')", "SELECT FROM events")]
    [InlineData("SELECT token_hash FROM api_tokens FINAL WHERE revoked = 0", "SELECT FROM api_tokens")]
    [InlineData("CREATE TABLE IF NOT EXISTS sites (site_id String) ENGINE = ReplacingMergeTree", "CREATE TABLE sites")]
    [InlineData("ALTER TABLE events DELETE WHERE vid = 'vid-secret'", "ALTER TABLE events")]
    [InlineData("insert   into\n events FORMAT RowBinary", "INSERT INTO events")]
    [InlineData("SELECT 1 AS ok", "SELECT")]
    [InlineData("SELECT 'x from secret_table' AS a", "SELECT")]
    [InlineData("", "statement")]
    public void A_statement_is_described_by_kind_and_table(string sql, string expected) =>
        Assert.Equal(expected, ClickHouseException.Describe(sql));
}
