using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Analytics.Observability;

/// <summary>
/// A small Prometheus registry: counters, gauges read at scrape time, and histograms, rendered in the text
/// exposition format at /metrics. Enough for the service's own numbers without a metrics dependency.
/// </summary>
public sealed class Metrics
{
    readonly ConcurrentDictionary<string, Metric> metrics = new();

    public Counter Counter(string name, string help) => (Counter)metrics.GetOrAdd(name, _ => new Counter(name, help));

    public void Gauge(string name, string help, Func<double> read) => metrics[name] = new Gauge(name, help, read);

    public Histogram Histogram(string name, string help, double[] buckets) =>
        (Histogram)metrics.GetOrAdd(name, _ => new Histogram(name, help, buckets));

    /// <summary>A metric of another kind (e.g. <see cref="LabelledHistogram"/>), made once under its name.</summary>
    public T Register<T>(string name, Func<T> create) where T : Metric => (T)metrics.GetOrAdd(name, _ => create());

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var metric in metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal)) metric.Render(sb);
        return sb.ToString();
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

public abstract class Metric(string name, string help)
{
    public string Name { get; } = name;
    protected string Help { get; } = help;
    public abstract void Render(StringBuilder sb);
}

public sealed class Counter(string name, string help) : Metric(name, help)
{
    long value;
    public long Value => Interlocked.Read(ref value);
    public void Add(long amount = 1) => Interlocked.Add(ref value, amount);

    public override void Render(StringBuilder sb) =>
        sb.Append("# HELP ").Append(Name).Append(' ').Append(Help).Append("\n# TYPE ").Append(Name).Append(" counter\n")
          .Append(Name).Append(' ').Append(Value).Append('\n');
}

public sealed class Gauge(string name, string help, Func<double> read) : Metric(name, help)
{
    public override void Render(StringBuilder sb) =>
        sb.Append("# HELP ").Append(Name).Append(' ').Append(Help).Append("\n# TYPE ").Append(Name).Append(" gauge\n")
          .Append(Name).Append(' ').Append(Metrics.Format(read())).Append('\n');
}

public sealed class Histogram(string name, string help, double[] buckets) : Metric(name, help)
{
    readonly long[] counts = new long[buckets.Length + 1];
    readonly object gate = new();
    double sum;
    long count;

    public void Observe(double value)
    {
        var i = 0;
        while (i < buckets.Length && value > buckets[i]) i++;
        lock (gate)
        {
            counts[i]++;
            sum += value;
            count++;
        }
    }

    public override void Render(StringBuilder sb)
    {
        sb.Append("# HELP ").Append(Name).Append(' ').Append(Help).Append("\n# TYPE ").Append(Name).Append(" histogram\n");
        lock (gate)
        {
            long cumulative = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                cumulative += counts[i];
                sb.Append(Name).Append("_bucket{le=\"").Append(Metrics.Format(buckets[i])).Append("\"} ").Append(cumulative).Append('\n');
            }
            sb.Append(Name).Append("_bucket{le=\"+Inf\"} ").Append(count).Append('\n');
            sb.Append(Name).Append("_sum ").Append(Metrics.Format(sum)).Append('\n');
            sb.Append(Name).Append("_count ").Append(count).Append('\n');
        }
    }
}
