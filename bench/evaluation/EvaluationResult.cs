using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MemOS.Evaluation;

/// <summary>
/// The result file of one LoCoMo evaluation run: the system's recall, the BM25 baseline's recall measured in the
/// same run (DESIGN.md section 5), and timings.
/// </summary>
/// <remarks>
/// JSON shape: <c>{"system": R, "baseline_bm25": R, "timing": {"ingest_s": x, "search_p50_ms": x, "search_p99_ms": x}, ...}</c>
/// where <c>R</c> is a <see cref="RecallReport"/> object and <c>...</c> the <see cref="AdditionalFields"/>
/// (e.g. <c>"config"</c>), in insertion order.
/// </remarks>
public sealed class EvaluationResult
{
    private static readonly string[] ReservedNames = ["system", "baseline_bm25", "timing"];

    /// <summary>Creates a result.</summary>
    /// <param name="system">The recall of the system under test.</param>
    /// <param name="baselineBm25">The recall of the BM25 baseline over raw turns.</param>
    /// <param name="timing">The system's timings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="system"/> or <paramref name="baselineBm25"/> is null.</exception>
    public EvaluationResult(RecallReport system, RecallReport baselineBm25, EvaluationTiming timing)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(baselineBm25);
        System = system;
        BaselineBm25 = baselineBm25;
        Timing = timing;
    }

    /// <summary>The recall of the system under test (<c>"system"</c>).</summary>
    public RecallReport System { get; }

    /// <summary>The recall of the BM25 baseline (<c>"baseline_bm25"</c>).</summary>
    public RecallReport BaselineBm25 { get; }

    /// <summary>The timings (<c>"timing"</c>).</summary>
    public EvaluationTiming Timing { get; }

    /// <summary>Extra top-level fields written after the standard ones, such as <c>"config"</c>; a name may not be
    /// one of the standard fields'.</summary>
    public IDictionary<string, JsonNode?> AdditionalFields { get; } = new OrderedDictionary<string, JsonNode?>(StringComparer.Ordinal);

    /// <summary>Writes the result as one JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may be written.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="InvalidOperationException">An additional field reuses a standard field's name.</exception>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var clash = AdditionalFields.Keys.FirstOrDefault(k => ReservedNames.Contains(k, StringComparer.Ordinal));
        if (clash is not null)
        {
            throw new InvalidOperationException($"The additional field '{clash}' would overwrite a standard field.");
        }

        writer.WriteStartObject();
        writer.WritePropertyName("system");
        System.WriteTo(writer);
        writer.WritePropertyName("baseline_bm25");
        BaselineBm25.WriteTo(writer);
        writer.WriteStartObject("timing");
        writer.WriteNumber("ingest_s", Timing.IngestSeconds);
        writer.WriteNumber("search_p50_ms", Timing.SearchP50Milliseconds);
        writer.WriteNumber("search_p99_ms", Timing.SearchP99Milliseconds);
        writer.WriteEndObject();
        foreach (var (name, value) in AdditionalFields)
        {
            writer.WritePropertyName(name);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The result as JSON text.</summary>
    /// <param name="indented">Whether to indent the text.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="InvalidOperationException">An additional field reuses a standard field's name.</exception>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Writes the result to a file (indented JSON, UTF-8 without a byte-order mark), replacing it.</summary>
    /// <param name="path">The file path.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="InvalidOperationException">An additional field reuses a standard field's name.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToJson(indented: true) + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
