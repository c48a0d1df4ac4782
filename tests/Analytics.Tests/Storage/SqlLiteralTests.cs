using Analytics.Storage;

namespace Analytics.Tests.Storage;

/// <summary>Pure escaping rules; that ClickHouse reads each literal back as the same value is proven in <see cref="SqlEscapingTests"/>.</summary>
public class SqlLiteralTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", @"'it\'s'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData("line\nbreak\ttab\rret", @"'line\nbreak\ttab\rret'")]
    [InlineData("nul\0byte", @"'nul\0byte'")]
    [InlineData("bell\u0007esc\u001b", @"'bell\x07esc\x1B'")]
    [InlineData("del\u007f", @"'del\x7F'")]
    [InlineData("Grüße 日本 🙂", "'Grüße 日本 🙂'")]
    [InlineData("' OR 1=1 --", @"'\' OR 1=1 --'")]
    [InlineData(@"\'", @"'\\\''")]
    public void Strings_are_single_quoted_with_every_special_character_escaped(string value, string literal) =>
        Assert.Equal(literal, SqlLiteral.Format(value));

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character() =>
        Assert.Equal("'a\uFFFDb'", SqlLiteral.Format("a\uD800b"));

    [Fact]
    public void Numbers_use_the_invariant_culture_and_ClickHouse_names_for_special_floats()
    {
        Assert.Equal("-12", SqlLiteral.Format(-12));
        Assert.Equal("18446744073709551615", SqlLiteral.Format(ulong.MaxValue));
        Assert.Equal("1.5", SqlLiteral.Format(1.5));
        Assert.Equal("nan", SqlLiteral.Format(double.NaN));
        Assert.Equal("-inf", SqlLiteral.Format(double.NegativeInfinity));
        Assert.Equal("1", SqlLiteral.Format(true));
    }

    [Fact]
    public void Times_are_unix_seconds_and_lists_are_arrays_or_in_lists()
    {
        Assert.Equal("toDateTime(1764000000)", SqlLiteral.Format(DateTimeOffset.FromUnixTimeSeconds(1764000000)));
        Assert.Equal("['a', 'b\\'c']", SqlLiteral.Format(new[] { "a", "b'c" }));
        Assert.Equal("(1, 2)", SqlLiteral.Format(SqlInList.Of(new[] { 1, 2 })));
        Assert.Equal("(NULL)", SqlLiteral.Format(SqlInList.Of(Array.Empty<int>())));
    }

    [Fact]
    public void Interpolated_values_are_escaped_and_identifiers_are_checked()
    {
        var name = "x' OR '1'='1";
        var sql = Sql.Query($"SELECT 1 FROM {new SqlIdentifier("events")} WHERE name = {name}");
        Assert.Equal(@"SELECT 1 FROM `events` WHERE name = 'x\' OR \'1\'=\'1'", sql.Text);
        Assert.Throws<ArgumentException>(() => new SqlIdentifier("events; DROP TABLE x"));
        Assert.Throws<ArgumentException>(() => new SqlIdentifier("`events`"));
    }
}
