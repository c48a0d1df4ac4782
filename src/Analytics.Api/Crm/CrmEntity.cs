using Analytics.Storage;
using FluentValidation;

namespace Analytics.Crm;

/// <summary>
/// What the import runner needs of one kind of CRM record: how to read it from a row's fields, its validator,
/// and its table (the insert column list and the RowBinary encoding, in the order of 0009_crm.sql).
/// </summary>
public abstract class CrmEntity<TRow>
{
    /// <summary>"customers", "orders" or "contacts": the path, the table and the log's word.</summary>
    public abstract string Table { get; }
    public abstract IReadOnlyList<string> Columns { get; }
    public abstract IValidator<TRow> Validator { get; }

    public abstract TRow Read(CrmFields fields, string siteId);

    /// <summary>Appends the row; <paramref name="version"/> orders upserts of one id (the highest wins).</summary>
    public abstract void Write(TRow row, RowBinaryWriter writer, DateTimeOffset importedAt, ulong version);

    /// <summary>The visitor links a row brings (customers only).</summary>
    public virtual IEnumerable<(string VisitorId, string CustomerId, DateTimeOffset LinkedAt)> Links(TRow row, DateTimeOffset importedAt) => [];
}

/// <summary>
/// The version of an upserted row: strictly increasing within the process and with the clock across restarts, so
/// the later of two imports of one id wins, and so does the later of two rows with one id in a single import.
/// </summary>
public static class CrmVersion
{
    static long last;

    public static ulong Next()
    {
        while (true)
        {
            var seen = Interlocked.Read(ref last);
            var next = Math.Max(seen + 1, DateTime.UtcNow.Ticks);
            if (Interlocked.CompareExchange(ref last, next, seen) == seen) return (ulong)next;
        }
    }
}

/// <summary>Rules the three validators share.</summary>
static class CrmRules
{
    public const int MaxId = 256;
    public const int MaxText = 1024;

    public static IRuleBuilderOptions<T, string> Id<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("is required").MaximumLength(MaxId).WithMessage($"must be at most {MaxId} characters");

    public static IRuleBuilderOptions<T, string> Text<T>(this IRuleBuilder<T, string> rule, int max = MaxText) =>
        rule.MaximumLength(max).WithMessage($"must be at most {max} characters");

    public static IRuleBuilderOptions<T, string> OneOf<T>(this IRuleBuilder<T, string> rule, IReadOnlyCollection<string> allowed) =>
        rule.Must(allowed.Contains).WithMessage($"must be one of {string.Join(", ", allowed)}");

    public static IRuleBuilderOptions<T, double> NotNegative<T>(this IRuleBuilder<T, double> rule) =>
        rule.GreaterThanOrEqualTo(0).WithMessage("must not be negative");
}
