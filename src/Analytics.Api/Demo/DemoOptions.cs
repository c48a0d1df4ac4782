using System.ComponentModel.DataAnnotations;

namespace Analytics.Demo;

/// <summary>The demo site's history (<c>Demo:*</c>): off unless <c>Demo:Seed</c> is on, which ./run.sh sets.</summary>
public sealed class DemoOptions
{
    /// <summary>Seed the demo site (key "demo") once with generated history.</summary>
    public bool Seed { get; set; }

    /// <summary>Days of history, ending an hour before the start.</summary>
    [Range(1, 365)] public int Days { get; set; } = 30;

    /// <summary>Web events to generate (about 6 a visitor: 40 000 are ~6 000 visitors).</summary>
    [Range(100, 10_000_000)] public int Events { get; set; } = 40_000;

    /// <summary>CRM customers, with their orders (over three years) and contacts.</summary>
    [Range(10, 1_000_000)] public int Customers { get; set; } = 800;
}
