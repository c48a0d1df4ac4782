using System.Globalization;
using Analytics.Enrichment.Channels;
using Analytics.Storage;
using FluentValidation;

namespace Analytics.Crm.Costs;

/// <summary>The spend of one day on one channel and campaign (a row of <c>acquisition_costs</c>).</summary>
public sealed record CostRow(string SiteId, DateOnly? Day, string Channel, string Campaign, double? Cost);

public sealed class CostValidator : AbstractValidator<CostRow>
{
    /// <summary>The channels of DESIGN.md, as the pipeline stores them: costs are matched with the sessions' channel.</summary>
    public static readonly IReadOnlyCollection<string> Channels = Enum.GetValues<Channel>().Select(c => c.ToStorageName()).ToArray();

    public CostValidator()
    {
        RuleFor(c => c.Day).NotNull().WithMessage("is required: a date such as 2026-05-01").OverridePropertyName("day");
        RuleFor(c => c.Channel).OneOf(Channels).OverridePropertyName("channel");
        RuleFor(c => c.Campaign).MaximumLength(CrmRules.MaxId).WithMessage($"must be at most {CrmRules.MaxId} characters").OverridePropertyName("campaign");
        RuleFor(c => c.Cost).NotNull().WithMessage("is required").OverridePropertyName("cost");
        RuleFor(c => c.Cost ?? 0).NotNegative().OverridePropertyName("cost");
    }
}

/// <summary>
/// <c>POST /api/costs</c> through the CRM import runner (<see cref="CrmImport"/>): the same JSON/CSV streaming, row
/// errors and answer; a row replaces the stored one of its (day, channel, campaign).
/// </summary>
public sealed class CostsEntity : CrmEntity<CostRow>
{
    public static readonly CostsEntity Instance = new();
    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    public override string Table => "acquisition_costs";
    public override IValidator<CostRow> Validator { get; } = new CostValidator();
    public override IReadOnlyList<string> Columns { get; } = ["site_id", "day", "channel", "campaign", "cost", "imported_at", "version"];

    public override CostRow Read(CrmFields f, string siteId) => new(
        siteId, Day(f), f.String("channel")?.Trim().ToLowerInvariant() ?? "", f.String("campaign") ?? "", f.Number("cost"));

    /// <summary>A calendar day (yyyy-MM-dd) within the Date column's range (1970 to 2149).</summary>
    static DateOnly? Day(CrmFields f)
    {
        if (f.String("day")?.Trim() is not { Length: > 0 } text) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && day.DayNumber - Epoch is >= 0 and <= ushort.MaxValue)
            return day;
        f.Errors.Add(new CrmFieldError("day", "must be a date such as 2026-05-01 (1970 to 2149)"));
        return null;
    }

    public override void Write(CostRow c, RowBinaryWriter w, DateTimeOffset importedAt, ulong version)
    {
        w.String(c.SiteId);
        var days = (ushort)(c.Day!.Value.DayNumber - Epoch); // Date: UInt16 days since 1970, little-endian
        w.UInt8((byte)days);
        w.UInt8((byte)(days >> 8));
        w.String(c.Channel);
        w.String(c.Campaign);
        w.Float64(c.Cost!.Value);
        w.DateTime(importedAt);
        w.UInt64(version);
    }
}
