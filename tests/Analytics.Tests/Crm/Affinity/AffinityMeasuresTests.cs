using Analytics.Crm.Affinity;

namespace Analytics.Tests.Crm.Affinity;

/// <summary>Support, confidence and lift from counts, and the order and cut of the rules, worked by hand.</summary>
public class AffinityMeasuresTests
{
    // 20 units: A in 8, B in 5, C in 10; A&B in 4, A&C in 2.
    static readonly Dictionary<string, long> Singles = new() { ["A"] = 8, ["B"] = 5, ["C"] = 10 };

    [Fact]
    public void A_rule_has_support_over_all_units_confidence_over_the_products_units_and_lift_over_the_others_share()
    {
        var rule = AffinityMeasures.Rule(20, "A", "B", 4, Singles, Singles)!;
        Assert.Equal(0.2, rule.Support);           // 4 / 20
        Assert.Equal(0.5, rule.Confidence);        // 4 / 8
        Assert.Equal(2.0, rule.Lift);              // 0.5 / (5 / 20)
        var reverse = AffinityMeasures.Rule(20, "B", "A", 4, Singles, Singles)!;
        Assert.Equal((0.2, 0.8, 2.0), (reverse.Support, reverse.Confidence, reverse.Lift));
        Assert.Null(AffinityMeasures.Rule(0, "A", "B", 4, Singles, Singles));
        Assert.Null(AffinityMeasures.Rule(20, "A", "Z", 1, Singles, Singles));
    }

    [Fact]
    public void Symmetric_pairs_give_a_rule_each_way_and_the_top_is_by_lift_then_support_within_the_minimum_support()
    {
        var rules = AffinityMeasures.Rules(20, Singles, Singles, [("A", "B", 4), ("A", "C", 2)], symmetric: true);
        Assert.Equal(["A>B", "B>A", "A>C", "C>A"], rules.Select(r => $"{r.Product}>{r.Other}"));
        Assert.Equal(["A>B", "B>A", "A>C", "C>A"], AffinityMeasures.Top(rules, 20, 0, 10).Select(r => $"{r.Product}>{r.Other}"));
        Assert.Equal(["A>B", "B>A"], AffinityMeasures.Top(rules, 20, 0.15, 10).Select(r => $"{r.Product}>{r.Other}"));
        Assert.Equal(["A>B"], AffinityMeasures.Top(rules, 20, 0.1, 1).Select(r => $"{r.Product}>{r.Other}"));
        Assert.Equal(["A>B", "B>A", "A>C", "C>A"], AffinityMeasures.Top(rules, 20, 0.1, 10).Select(r => $"{r.Product}>{r.Other}")); // 2/20 reaches 0.1
    }
}

/// <summary>The SQL of the session counts names the products pairs are kept to only while that list is short.</summary>
public class AffinitySqlTests
{
    [Fact]
    public void The_pairs_products_are_named_up_to_the_limit_and_beyond_it_every_viewed_product_forms_pairs()
    {
        var sessions = Analytics.Storage.Sql.Query($"SELECT 1");
        var few = Enumerable.Range(1, AffinitySql.MaxListedProducts).Select(i => $"SKU-{i:00000}").ToList();
        var listed = AffinitySql.SessionCounts(sessions, sessions, few, 10).Text;
        Assert.Contains("'SKU-00001'", listed);
        Assert.Contains($"'SKU-{AffinitySql.MaxListedProducts:00000}'", listed);
        var many = AffinitySql.SessionCounts(sessions, sessions, few.Append("SKU-99999").ToList(), 10).Text;
        Assert.DoesNotContain("SKU-", many);
        Assert.True(many.Length < listed.Length / 2, "beyond the limit the SQL does not grow with the products");
    }
}
