using System.Text;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Retrieval;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>LoCoMo-like chit-chat from a fixed seed: one user (<see cref="User"/>) talks with friends over sessions
/// of <see cref="TurnsPerSession"/> turns, a few days apart; each turn is one to three sentences from templates about
/// activities, places, family, food, feelings and things. The "things" are real English words drawn from the GloVe
/// vocabulary by a Zipf law over its frequency ranks, so that BM25 sees a large vocabulary with a natural skew (a
/// fixed template vocabulary alone would give a few huge posting lists).</summary>
public sealed class SyntheticConversations
{
    /// <summary>The user whose memories these are; the first speaker of every conversation.</summary>
    public const string User = "Sam";

    /// <summary>Turns per session (LoCoMo sessions hold 15-30).</summary>
    public const int TurnsPerSession = 20;

    /// <summary>Sessions per conversation: 25 x 20 = 500 messages, about 900 memories once split into sentences.</summary>
    public const int SessionsPerConversation = 25;

    private static readonly string[] Friends =
    [
        "Jordan", "Caroline", "Melanie", "Priya", "Marcus", "Elena", "Tomas", "Aisha", "Kenji", "Lucia", "Omar", "Hannah",
        "Diego", "Grace", "Ravi", "Nadia", "Felix", "Chloe", "Mateo", "Zara", "Noah", "Ingrid", "Samir", "Olivia",
    ];

    private static readonly string[] Activities =
    [
        "painting", "hiking", "pottery", "swimming", "running", "cooking", "baking", "camping", "cycling", "yoga",
        "gardening", "knitting", "surfing", "climbing", "dancing", "singing", "photography", "fishing", "skiing",
        "volunteering", "reading", "writing poetry", "playing guitar", "playing chess", "kayaking", "sketching",
        "birdwatching", "woodworking", "meditating", "skating",
    ];

    private static readonly string[] Places =
    [
        "the beach", "the museum", "the park", "the library", "the lake", "the mountains", "the farmers market",
        "the art gallery", "the community center", "the zoo", "the old town", "the botanical garden", "the stadium",
        "the aquarium", "the coffee shop", "the bookstore", "Paris", "Tokyo", "Lisbon", "Chicago", "Seattle", "Boston",
        "the countryside", "the shelter", "the conference", "the concert hall", "the hospital", "the campus",
    ];

    private static readonly string[] Relations =
    [
        "sister", "brother", "mom", "dad", "kids", "husband", "wife", "partner", "grandma", "cousin", "neighbor",
        "coworker", "best friend", "roommate", "dog", "cat", "son", "daughter", "aunt", "uncle",
    ];

    private static readonly string[] Times =
    [
        "yesterday", "last weekend", "last week", "this morning", "two days ago", "last month", "on Friday",
        "on Sunday", "last night", "a few weeks ago", "last summer", "over the holidays",
    ];

    private static readonly string[] Plans = ["next week", "next month", "this weekend", "in the spring", "soon", "next summer"];

    private static readonly string[] Feelings =
    [
        "amazing", "relaxing", "stressful", "fun", "exhausting", "inspiring", "peaceful", "emotional", "rewarding",
        "scary", "hilarious", "beautiful", "tough", "special", "overwhelming", "wonderful",
    ];

    private static readonly string[] Foods =
    [
        "pasta", "sushi", "tacos", "pancakes", "curry", "soup", "pizza", "salad", "dumplings", "cookies", "bread",
        "lasagna", "ramen", "pie", "smoothies", "barbecue",
    ];

    private static readonly string[] Openers =
    [
        "Hey {friend}!", "Hi {friend}, good to hear from you.", "Wow, that's great!", "Oh no, I'm sorry to hear that.",
        "Thanks, {friend}!", "That's so cool!", "Ha, I love that.", "Really?", "Totally agree.", "Good morning!",
    ];

    private static readonly string[] Sentences =
    [
        "I went {activity} at {place} {time}.",
        "It was so {feeling}, I really needed that.",
        "My {relation} gave me a {thing} for my birthday.",
        "Have you ever tried {activity}?",
        "I've been thinking about the {thing} a lot lately.",
        "We talked about the {thing} and the {thing2} for hours.",
        "{friend}, you told me about the {thing} at {place}, right?",
        "That sounds {feeling}! How did your {relation} like it?",
        "I'm planning to visit {place} with my {relation} {plan}.",
        "I'll send you a photo of the {thing} later.",
        "My {relation} and I made {food} together {time}.",
        "I started {activity} because my {relation} kept asking me to.",
        "The {thing} at {place} was {feeling}.",
        "I lost my {thing} somewhere near {place} {time}.",
        "Honestly, {activity} helps me forget about the {thing}.",
        "We're hosting a small party with {food} and {activity} {plan}.",
        "Did I tell you that my {relation} is learning {activity}?",
        "I finally finished the {thing} I was working on.",
        "The weather at {place} was {feeling} {time}.",
        "I signed up for a class about the {thing} {plan}.",
        "I want to get better at {activity} this year.",
        "My {relation} thinks the {thing} is a waste of money.",
        "It reminded me of the {thing2} we saw at {place}.",
        "I read an article about the {thing} and the {thing2}.",
        "Work has been {feeling} because of the {thing}.",
        "I bought a new {thing} for {activity}.",
        "We had {food} at a tiny place near {place}.",
        "I'm so proud of my {relation} for finishing the {thing}.",
        "Can you recommend a good {thing} for a beginner?",
        "I keep a journal about {activity} and the {thing}.",
    ];

    private static readonly string[] Slots =
        ["{activity}", "{place}", "{relation}", "{time}", "{plan}", "{feeling}", "{food}", "{thing}", "{thing2}"];

    private static readonly string[] QuestionTemplates =
    [
        "What did {user} do at {place}?",
        "When did {user} go {activity}?",
        "Who gave {user} a {thing} for their birthday?",
        "How did {user} feel about {activity}?",
        "Where is {user} planning to go with their {relation}?",
        "What did {friend} say about the {thing}?",
        "What did {user} and their {relation} cook together?",
        "Why did {user} start {activity}?",
        "Where did {user} lose the {thing}?",
        "What is {user}'s {relation} learning?",
        "What food did {user} have near {place}?",
        "What did {user} buy for {activity}?",
        "When is the party with {food}?",
        "What does {user}'s {relation} think about the {thing}?",
        "What class did {user} sign up for?",
        "Has {friend} ever tried {activity}?",
    ];

    private readonly string[] _things;
    private readonly double[] _thingCumulative;
    private readonly int _seed;

    /// <summary>Creates a generator.</summary>
    /// <param name="vocabulary">Words in descending frequency (the GloVe vocabulary); lower-case alphabetic words of
    /// 4-12 letters that are not stop words, past the 200 most frequent and within the 40,000 most frequent,
    /// become the "things".</param>
    /// <param name="seed">The seed; the same seed and vocabulary give the same conversations.</param>
    public SyntheticConversations(IReadOnlyList<string> vocabulary, int seed = 20_260_301)
    {
        _seed = seed;
        _things = vocabulary.Take(40_000).Skip(200)
            .Where(w => w.Length is >= 4 and <= 12 && w.All(char.IsAsciiLetterLower) && !TextAnalyzer.EnglishStopWords.Contains(w))
            .ToArray();
        if (_things.Length == 0)
        {
            throw new ArgumentException("The vocabulary holds no usable words.", nameof(vocabulary));
        }

        _thingCumulative = new double[_things.Length];
        var sum = 0.0;
        for (var i = 0; i < _things.Length; i++)
        {
            sum += 1.0 / (i + 10);
            _thingCumulative[i] = sum;
        }
    }

    /// <summary>The number of distinct "thing" words.</summary>
    public int ThingVocabularySize => _things.Length;

    /// <summary>The conversations, without end: conversation c is between <see cref="User"/> and friend
    /// c mod 24, starts on 2023-01-02 plus c weeks, and holds <see cref="SessionsPerConversation"/> sessions 2-9 days
    /// apart.</summary>
    /// <returns>The stream.</returns>
    public IEnumerable<BenchmarkConversation> Conversations()
    {
        var random = new Random(_seed);
        for (var c = 0; ; c++)
        {
            var friend = Friends[c % Friends.Length];
            var date = new DateTimeOffset(2023, 1, 2, 9, 0, 0, TimeSpan.Zero).AddDays(7 * c);
            var messages = new List<ConversationMessage>(SessionsPerConversation * TurnsPerSession);
            for (var s = 1; s <= SessionsPerConversation; s++)
            {
                date = date.AddDays(random.Next(2, 10)).AddMinutes(random.Next(0, 600));
                var speaker = random.Next(2) == 0 ? User : friend;
                for (var t = 1; t <= TurnsPerSession; t++)
                {
                    messages.Add(new ConversationMessage(
                        $"D{s}:{t}", speaker, Turn(random, speaker == User ? friend : User), date.AddMinutes(t)));
                    // Mostly alternating, sometimes two messages in a row, as in chat.
                    speaker = random.NextDouble() < 0.85 ? (speaker == User ? friend : User) : speaker;
                }
            }

            yield return new BenchmarkConversation($"conv-{c:D4}-{friend.ToLowerInvariant()}", messages);
        }
    }

    /// <summary>A fixed list of natural questions about the same world (from templates, seeded separately from the
    /// conversations).</summary>
    /// <param name="count">How many questions.</param>
    /// <returns>The questions.</returns>
    public IReadOnlyList<string> Questions(int count)
    {
        var random = new Random(_seed + 1);
        var questions = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var template = QuestionTemplates[i % QuestionTemplates.Length];
            questions.Add(Fill(random, template, Friends[random.Next(Friends.Length)]));
        }

        return questions;
    }

    private string Turn(Random random, string addressee)
    {
        var text = new StringBuilder();
        if (random.NextDouble() < 0.2)
        {
            text.Append(Fill(random, Openers[random.Next(Openers.Length)], addressee)).Append(' ');
        }

        var sentences = random.NextDouble() switch
        {
            < 0.5 => 1,
            < 0.85 => 2,
            _ => 3,
        };
        for (var i = 0; i < sentences; i++)
        {
            text.Append(Fill(random, Sentences[random.Next(Sentences.Length)], addressee)).Append(' ');
        }

        return text.ToString().TrimEnd();
    }

    private string Fill(Random random, string template, string friend)
    {
        var text = template.Replace("{user}", User, StringComparison.Ordinal).Replace("{friend}", friend, StringComparison.Ordinal);
        foreach (var slot in Slots)
        {
            var at = text.IndexOf(slot, StringComparison.Ordinal);
            if (at >= 0)
            {
                text = string.Concat(text.AsSpan(0, at), SlotValue(random, slot), text.AsSpan(at + slot.Length));
            }
        }

        return text;
    }

    private string SlotValue(Random random, string slot) => slot switch
    {
        "{activity}" => Activities[random.Next(Activities.Length)],
        "{place}" => Places[random.Next(Places.Length)],
        "{relation}" => Relations[random.Next(Relations.Length)],
        "{time}" => Times[random.Next(Times.Length)],
        "{plan}" => Plans[random.Next(Plans.Length)],
        "{feeling}" => Feelings[random.Next(Feelings.Length)],
        "{food}" => Foods[random.Next(Foods.Length)],
        _ => Thing(random),
    };

    private string Thing(Random random)
    {
        var index = Array.BinarySearch(_thingCumulative, random.NextDouble() * _thingCumulative[^1]);
        return _things[index < 0 ? Math.Min(~index, _things.Length - 1) : index];
    }
}
