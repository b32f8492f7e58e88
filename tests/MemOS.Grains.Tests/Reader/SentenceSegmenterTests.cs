using MemOS.Grains.Reader;

namespace MemOS.Grains.Tests.Reader;

public sealed class SentenceSegmenterTests
{
    [Theory]
    [InlineData("Hello there. How are you?", new[] { "Hello there.", "How are you?" })]
    [InlineData("I met Dr. Smith and Mr. J. Doe today. Nice!", new[] { "I met Dr. Smith and Mr. J. Doe today.", "Nice!" })]
    [InlineData("It costs 3.50 dollars... really?! Yes.", new[] { "It costs 3.50 dollars...", "really?!", "Yes." })]
    [InlineData("Look at this! [image: a photo of a dog] Cute, right?", new[] { "Look at this!", "[image: a photo of a dog]", "Cute, right?" })]
    [InlineData("She said \"wow.\" Then left.", new[] { "She said \"wow.\"", "Then left." })]
    [InlineData("no end punctuation", new[] { "no end punctuation" })]
    [InlineData("  spaced   out.   text  ", new[] { "spaced out.", "text" })]
    [InlineData("e.g. this stays together. Ok", new[] { "e.g. this stays together.", "Ok" })]
    public void Sentences_SplitsAtSentenceEnds_NotAtAbbreviationsOrDecimals(string text, string[] expected)
        => Assert.Equal(expected, SentenceSegmenter.Sentences(text));

    [Fact]
    public void Sentences_BlankText_IsEmpty() => Assert.Empty(SentenceSegmenter.Sentences("  \n "));

    [Theory]
    [InlineData("Hi! I went hiking. It rained.", 1, 0, new[] { "Hi!", "I went hiking.", "It rained." })]
    [InlineData("Hi! I went hiking. It rained.", 5, 0, new[] { "Hi! I went hiking.", "It rained." })]
    [InlineData("Hi! I went hiking. It rained.", 1, 40, new[] { "Hi! I went hiking. It rained." })]
    [InlineData("I went hiking. Ok.", 5, 0, new[] { "I went hiking. Ok." })]
    public void Segments_JoinsShortSentences_AndUpToMaxChars(string text, int min, int max, string[] expected)
        => Assert.Equal(expected, SentenceSegmenter.Segments(text, min, max));

    [Fact]
    public void Segments_LoseNoWords()
    {
        const string text = "One two. Three four five! Six? [image: seven eight] Nine.";
        var joined = string.Join(' ', SentenceSegmenter.Segments(text, 8, 20));
        Assert.Equal(text, joined);
    }
}
