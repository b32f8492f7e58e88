using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MemOS.Evaluation;

/// <summary>
/// Collects per-question evidence recall values and reports their means, overall and by LoCoMo category
/// (1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop; category 5, adversarial, is excluded upstream).
/// </summary>
/// <remarks>
/// Means are over questions: the overall mean weighs every question equally (it is not the mean of the category
/// means). The JSON shape (<see cref="WriteTo"/>) is
/// <c>{"questions": n, "overall": {"recall@5": x, ...}, "by_category": {"1": {"questions": n, "recall@5": x, ...}, ..., "4": {...}}}</c>;
/// a mean over no questions is written as <c>null</c>. Not thread-safe.
/// </remarks>
public sealed class RecallReport
{
    /// <summary>The lowest category reported.</summary>
    public const int FirstCategory = 1;

    /// <summary>The highest category reported.</summary>
    public const int LastCategory = 4;

    private readonly string[] _keys;
    private readonly double[][] _sums = new double[LastCategory - FirstCategory + 1][];
    private readonly int[] _counts = new int[LastCategory - FirstCategory + 1];

    /// <summary>Creates a report over <see cref="RecallMetrics.StandardKeys"/>.</summary>
    public RecallReport()
        : this(RecallMetrics.StandardKeys)
    {
    }

    /// <summary>Creates a report over the given metric keys.</summary>
    /// <param name="metricKeys">The keys, in report order; distinct and not <c>questions</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="metricKeys"/> is null.</exception>
    /// <exception cref="ArgumentException">The keys are empty, repeat, or include <c>questions</c> or null.</exception>
    public RecallReport(IEnumerable<string> metricKeys)
    {
        ArgumentNullException.ThrowIfNull(metricKeys);
        _keys = metricKeys.ToArray();
        if (_keys.Length == 0 || _keys.Any(k => k is null || k == "questions") || _keys.Distinct(StringComparer.Ordinal).Count() != _keys.Length)
        {
            throw new ArgumentException("Metric keys must be distinct, non-null, and not 'questions'; at least one is needed.", nameof(metricKeys));
        }

        for (var c = 0; c < _sums.Length; c++)
        {
            _sums[c] = new double[_keys.Length];
        }
    }

    /// <summary>The metric keys, in report order.</summary>
    public IReadOnlyList<string> MetricKeys => _keys;

    /// <summary>The number of questions added (those with gold evidence).</summary>
    public int Questions => _counts.Sum();

    /// <summary>The number of questions excluded for having no valid gold evidence id.</summary>
    public int ExcludedQuestions { get; private set; }

    /// <summary>Adds one question's recall values.</summary>
    /// <param name="category">The question's category, 1-4.</param>
    /// <param name="values">A value in [0, 1] for every metric key (extra keys are ignored).</param>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="category"/> is not 1-4.</exception>
    /// <exception cref="ArgumentException">A metric key is missing or its value is not in [0, 1].</exception>
    public void Add(int category, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(category, FirstCategory);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(category, LastCategory);
        var row = new double[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            if (!values.TryGetValue(_keys[i], out var value))
            {
                throw new ArgumentException($"The value of '{_keys[i]}' is missing.", nameof(values));
            }

            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentException($"The value of '{_keys[i]}' is {value}, not a recall in [0, 1].", nameof(values));
            }

            row[i] = value;
        }

        var sums = _sums[category - FirstCategory];
        for (var i = 0; i < row.Length; i++)
        {
            sums[i] += row[i];
        }

        _counts[category - FirstCategory]++;
    }

    /// <summary>Counts a question left out of the means because none of its evidence ids matches a turn.</summary>
    public void AddExcluded() => ExcludedQuestions++;

    /// <summary>The number of questions added in one category.</summary>
    /// <param name="category">The category, 1-4.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="category"/> is not 1-4.</exception>
    public int CategoryQuestions(int category)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(category, FirstCategory);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(category, LastCategory);
        return _counts[category - FirstCategory];
    }

    /// <summary>The mean of each metric over all questions.</summary>
    /// <returns>Key to mean; <see cref="double.NaN"/> when no question was added.</returns>
    public IReadOnlyDictionary<string, double> Overall()
    {
        var total = Questions;
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < _keys.Length; i++)
        {
            var sum = 0.0;
            foreach (var categorySums in _sums)
            {
                sum += categorySums[i];
            }

            means[_keys[i]] = total == 0 ? double.NaN : sum / total;
        }

        return means;
    }

    /// <summary>The mean of each metric over one category's questions.</summary>
    /// <param name="category">The category, 1-4.</param>
    /// <returns>Key to mean; <see cref="double.NaN"/> when the category has no question.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="category"/> is not 1-4.</exception>
    public IReadOnlyDictionary<string, double> ByCategory(int category)
    {
        var count = CategoryQuestions(category);
        var sums = _sums[category - FirstCategory];
        return _keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => count == 0 ? double.NaN : sums[p.i] / count, StringComparer.Ordinal);
    }

    /// <summary>Writes the report as one JSON object (shape in the type's remarks).</summary>
    /// <param name="writer">The writer, positioned where a value may be written.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("questions", Questions);
        writer.WritePropertyName("overall");
        WriteMeans(writer, Overall(), questions: null);
        writer.WritePropertyName("by_category");
        writer.WriteStartObject();
        for (var category = FirstCategory; category <= LastCategory; category++)
        {
            writer.WritePropertyName(category.ToString(CultureInfo.InvariantCulture));
            WriteMeans(writer, ByCategory(category), CategoryQuestions(category));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The report as JSON text.</summary>
    /// <param name="indented">Whether to indent the text.</param>
    /// <returns>The JSON text.</returns>
    public string ToJson(bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private void WriteMeans(Utf8JsonWriter writer, IReadOnlyDictionary<string, double> means, int? questions)
    {
        writer.WriteStartObject();
        if (questions is { } count)
        {
            writer.WriteNumber("questions", count);
        }

        foreach (var key in _keys)
        {
            var mean = means[key];
            if (double.IsNaN(mean))
            {
                writer.WriteNull(key);
            }
            else
            {
                writer.WriteNumber(key, mean);
            }
        }

        writer.WriteEndObject();
    }
}
