using System.Collections.Concurrent;
using System.Text;

namespace Analytics.Observability;

/// <summary>
/// One histogram family with one label (e.g. <c>report</c>): a series per label value, rendered under one HELP/TYPE
/// as Prometheus expects (<c>name_bucket{report="overview",le="0.5"}</c>).
/// </summary>
public sealed class LabelledHistogram(string name, string help, string label, double[] buckets) : Metric(name, help)
{
    readonly ConcurrentDictionary<string, Series> series = new(StringComparer.Ordinal);

    public void Observe(string labelValue, double value) => series.GetOrAdd(labelValue, _ => new Series(buckets.Length)).Observe(buckets, value);

    public override void Render(StringBuilder sb)
    {
        sb.Append("# HELP ").Append(Name).Append(' ').Append(Help).Append("\n# TYPE ").Append(Name).Append(" histogram\n");
        foreach (var (value, s) in series.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var labelText = $"{label}=\"{Escape(value)}\"";
            lock (s)
            {
                long cumulative = 0;
                for (var i = 0; i < buckets.Length; i++)
                {
                    cumulative += s.Counts[i];
                    sb.Append(Name).Append("_bucket{").Append(labelText).Append(",le=\"").Append(Metrics.Format(buckets[i])).Append("\"} ").Append(cumulative).Append('\n');
                }
                sb.Append(Name).Append("_bucket{").Append(labelText).Append(",le=\"+Inf\"} ").Append(s.Count).Append('\n');
                sb.Append(Name).Append("_sum{").Append(labelText).Append("} ").Append(Metrics.Format(s.Sum)).Append('\n');
                sb.Append(Name).Append("_count{").Append(labelText).Append("} ").Append(s.Count).Append('\n');
            }
        }
    }

    static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    sealed class Series(int buckets)
    {
        public readonly long[] Counts = new long[buckets + 1];
        public double Sum;
        public long Count;

        public void Observe(double[] bounds, double value)
        {
            var i = 0;
            while (i < bounds.Length && value > bounds[i]) i++;
            lock (this)
            {
                Counts[i]++;
                Sum += value;
                Count++;
            }
        }
    }
}
