using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MemOS.Evaluation.LoCoMo;

/// <summary>
/// The LoCoMo benchmark (Maharana et al., "Evaluating Very Long-Term Conversational Memory of LLM Agents",
/// ACL 2024) as loaded from its <c>locomo10.json</c> format: a JSON list of samples with <c>sample_id</c>,
/// <c>conversation</c> and <c>qa</c>.
/// </summary>
/// <remarks>
/// Sessions are found by their <c>session_N</c> keys, never by the <c>session_N_date_time</c> keys (a sample may
/// date more sessions than it holds). The loader never looks at the <c>observation</c>, <c>session_summary</c> and
/// <c>event_summary</c> fields: the dataset's authors generated them with an LLM and they point at the answers, so a
/// memory system under test must be built from the turns alone. Their text is skipped by the JSON parser and never
/// interpreted, so any value there, of any type, is accepted.
/// </remarks>
public sealed partial class LoCoMoDataset
{
    private const string DateTimeFormat = "h:mm tt 'on' d MMMM, yyyy";

    private LoCoMoDataset(IReadOnlyList<LoCoMoConversation> conversations)
    {
        Conversations = conversations;
    }

    /// <summary>The conversations, in file order.</summary>
    public IReadOnlyList<LoCoMoConversation> Conversations { get; }

    /// <summary>The number of questions over all conversations and categories.</summary>
    public int QuestionCount => Conversations.Sum(c => c.Questions.Count);

    /// <summary>Loads a LoCoMo file.</summary>
    /// <param name="path">The path of a <c>locomo10.json</c>-shaped file.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read (e.g. its directory does not exist).</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or not LoCoMo-shaped; the message names the
    /// file and the JSON location (a path such as <c>$[2].conversation.session_3[4].dia_id</c>, or the line and byte
    /// of a syntax error).</exception>
    public static LoCoMoDataset Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Parses LoCoMo JSON held in memory.</summary>
    /// <param name="utf8Json">The UTF-8 JSON text.</param>
    /// <param name="sourceName">The name to give the source in error messages (usually its path).</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sourceName"/> is null.</exception>
    /// <exception cref="InvalidDataException">The text is not valid JSON or not LoCoMo-shaped.</exception>
    public static LoCoMoDataset Parse(ReadOnlyMemory<byte> utf8Json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{sourceName}: invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} ({e.Path ?? "$"}): {e.Message}", e);
        }

        using (document)
        {
            var reader = new Reader(sourceName);
            var root = document.RootElement;
            reader.Expect(root, JsonValueKind.Array, "$");
            var conversations = new List<LoCoMoConversation>(root.GetArrayLength());
            var index = 0;
            foreach (var sample in root.EnumerateArray())
            {
                conversations.Add(reader.ReadConversation(sample, $"$[{index++}]"));
            }

            return new LoCoMoDataset(conversations);
        }
    }

    [GeneratedRegex(@"^session_([0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionKey();

    /// <summary>Reads the JSON tree, naming the file and the JSON path in every error.</summary>
    private sealed class Reader(string sourceName)
    {
        public LoCoMoConversation ReadConversation(JsonElement sample, string location)
        {
            Expect(sample, JsonValueKind.Object, location);
            var sampleId = RequiredString(sample, "sample_id", location);
            var conversation = Required(sample, "conversation", JsonValueKind.Object, location);
            var conversationLocation = location + ".conversation";
            var speakerA = RequiredString(conversation, "speaker_a", conversationLocation);
            var speakerB = RequiredString(conversation, "speaker_b", conversationLocation);

            var sessions = new List<LoCoMoSession>();
            foreach (var property in conversation.EnumerateObject())
            {
                var match = SessionKey().Match(property.Name);
                if (!match.Success)
                {
                    continue;
                }

                var sessionLocation = $"{conversationLocation}.{property.Name}";
                if (!int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    throw Error(sessionLocation, "the session number is out of range.");
                }

                if (sessions.Exists(s => s.Number == number))
                {
                    throw Error(sessionLocation, $"session {number} appears twice.");
                }

                sessions.Add(ReadSession(conversation, property.Value, number, sessionLocation, conversationLocation));
            }

            sessions.Sort((x, y) => x.Number.CompareTo(y.Number));
            var questions = ReadQuestions(Required(sample, "qa", JsonValueKind.Array, location), location + ".qa");
            return new LoCoMoConversation(sampleId, speakerA, speakerB, sessions, questions);
        }

        public void Expect(JsonElement element, JsonValueKind kind, string location)
        {
            if (element.ValueKind != kind)
            {
                throw Error(location, $"expected {Describe(kind)}, found {Describe(element.ValueKind)}.");
            }
        }

        private LoCoMoSession ReadSession(JsonElement conversation, JsonElement turns, int number, string location, string conversationLocation)
        {
            Expect(turns, JsonValueKind.Array, location);
            var dateKey = $"session_{number}_date_time";
            var dateText = RequiredString(conversation, dateKey, conversationLocation);
            if (!DateTimeOffset.TryParseExact(
                    dateText.Trim(),
                    DateTimeFormat,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowInnerWhite,
                    out var dateTime))
            {
                throw Error($"{conversationLocation}.{dateKey}", $"'{dateText}' is not a date like '1:56 pm on 8 May, 2023'.");
            }

            var result = new List<LoCoMoTurn>(turns.GetArrayLength());
            var index = 0;
            foreach (var turn in turns.EnumerateArray())
            {
                var turnLocation = $"{location}[{index++}]";
                Expect(turn, JsonValueKind.Object, turnLocation);
                var text = RequiredString(turn, "text", turnLocation);
                if (OptionalString(turn, "blip_caption", turnLocation) is { Length: > 0 } caption)
                {
                    text = text.Length == 0 ? $"[image: {caption}]" : $"{text} [image: {caption}]";
                }

                result.Add(new LoCoMoTurn(
                    RequiredString(turn, "dia_id", turnLocation),
                    number,
                    RequiredString(turn, "speaker", turnLocation),
                    text,
                    dateTime));
            }

            return new LoCoMoSession(number, dateTime, result);
        }

        private List<LoCoMoQuestion> ReadQuestions(JsonElement qa, string location)
        {
            var questions = new List<LoCoMoQuestion>(qa.GetArrayLength());
            var index = 0;
            foreach (var item in qa.EnumerateArray())
            {
                var itemLocation = $"{location}[{index++}]";
                Expect(item, JsonValueKind.Object, itemLocation);
                var question = RequiredString(item, "question", itemLocation);
                var answer = ReadAnswer(item, itemLocation);
                var evidence = ReadEvidence(item, itemLocation);
                var categoryElement = Required(item, "category", JsonValueKind.Number, itemLocation);
                if (!categoryElement.TryGetInt32(out var category))
                {
                    throw Error(itemLocation + ".category", $"expected an integer, found {categoryElement.GetRawText()}.");
                }

                questions.Add(new LoCoMoQuestion(question, answer, evidence, category));
            }

            return questions;
        }

        private string? ReadAnswer(JsonElement item, string location)
        {
            if (!item.TryGetProperty("answer", out var answer))
            {
                return null;
            }

            return answer.ValueKind switch
            {
                JsonValueKind.String => answer.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => answer.GetRawText(),
                JsonValueKind.Null => null,
                _ => throw Error(location + ".answer", $"expected a string or a number, found {Describe(answer.ValueKind)}."),
            };
        }

        private List<string> ReadEvidence(JsonElement item, string location)
        {
            var evidence = new List<string>();
            if (!item.TryGetProperty("evidence", out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return evidence;
            }

            Expect(array, JsonValueKind.Array, location + ".evidence");
            var index = 0;
            foreach (var id in array.EnumerateArray())
            {
                Expect(id, JsonValueKind.String, $"{location}.evidence[{index++}]");
                evidence.Add(id.GetString()!);
            }

            return evidence;
        }

        private JsonElement Required(JsonElement parent, string name, JsonValueKind kind, string location)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                throw Error(location, $"the required property '{name}' is missing.");
            }

            Expect(value, kind, $"{location}.{name}");
            return value;
        }

        private string RequiredString(JsonElement parent, string name, string location)
            => Required(parent, name, JsonValueKind.String, location).GetString()!;

        private string? OptionalString(JsonElement parent, string name, string location)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            Expect(value, JsonValueKind.String, $"{location}.{name}");
            return value.GetString();
        }

        private InvalidDataException Error(string location, string message)
            => new($"{sourceName}: invalid LoCoMo data at {location}: {message}");

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
