using MemOS.Inference.Llama;

namespace MemOS.Bench.Activation;

/// <summary>The token sequences of the benchmark: random ids for the synthetic model (which has no meaningful
/// text), repeated story text for a real one. Memories and requests start with BOS when the model adds one.</summary>
internal sealed class BenchTokens
{
    private const string Story =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog Max. " +
        "One day, they found a big red ball under a tree. Lily kicked the ball and Max ran after it. They laughed and " +
        "played until the sun went down, and then they went home to eat dinner with mom and dad. ";

    private const string Question = " Lily asked her mom what they would do the next day, and her mom smiled and said that";

    private static readonly string[] Sentences =
    [
        "Tom wanted a new toy car for his birthday.", "The cat sat on the warm mat by the door.",
        "Sue and her mom baked a cake for the party.", "A big bird flew over the house and sang a song.",
        "Ben lost his hat at the beach and was sad.", "The little boat sailed on the blue lake.",
        "Mia shared her apples with her best friend.", "The old man walked to the shop to buy bread.",
    ];

    private readonly LlamaModel _model;
    private readonly bool _random;
    private readonly int _seed;

    public BenchTokens(LlamaModel model, bool random, int seed)
    {
        _model = model;
        _random = random;
        _seed = seed;
    }

    public int[] Memory(int count) => Build(count, Story, withBos: true, salt: 1);

    public int[] Query(int count) => Build(count, Question, withBos: false, salt: 2);

    public int[] Request(int count, int index) => Build(count, Sentences[index % Sentences.Length] + " ", withBos: true, salt: 100 + index);

    private int[] Build(int count, string text, bool withBos, int salt)
    {
        var tokens = new int[count];
        var start = 0;
        if (withBos && _model.AddsBos && _model.BosToken is { } bos)
        {
            tokens[start++] = bos;
        }

        if (_random)
        {
            // Above the special and byte tokens of the synthetic vocabulary: ordinary pieces.
            var random = new Random(unchecked((_seed * 1_000_003) + (salt * 7_919) + count)); // HashCode is per-process
            var low = Math.Min(259, _model.VocabularySize - 1);
            for (var i = start; i < count; i++)
            {
                tokens[i] = random.Next(low, _model.VocabularySize);
            }

            return tokens;
        }

        var piece = _model.Tokenize(text, addSpecial: false);
        for (var i = start; i < count; i++)
        {
            tokens[i] = piece[(i - start) % piece.Length];
        }

        return tokens;
    }
}
