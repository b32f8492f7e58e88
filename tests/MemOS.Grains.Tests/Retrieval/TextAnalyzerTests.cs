using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Tests.Retrieval;

public sealed class TextAnalyzerTests
{
    [Fact]
    public void Plain_PunctuatedText_YieldsLowerCaseLetterDigitRuns()
    {
        Assert.Equal(["hello", "world", "it", "s", "2023", "b2b"], TextAnalyzer.Plain.Analyze("Hello, World! It's 2023... B2B"));
    }

    [Fact]
    public void Plain_StopWordsAndInflections_AreKept()
    {
        Assert.Equal(["the", "running", "dogs", "of", "caroline", "s"], TextAnalyzer.Plain.Analyze("The running dogs of Caroline's"));
    }

    [Fact]
    public void Plain_UnicodeLetters_AreTokensAndLowerCased()
    {
        Assert.Equal(["café", "naïve", "straße", "école", "東京", "5"], TextAnalyzer.Plain.Analyze("Café naïve Straße ÉCOLE 東京 €5"));
    }

    [Fact]
    public void Plain_CombiningMark_StaysInsideToken()
    {
        Assert.Equal(["cafe\u0301", "ok"], TextAnalyzer.Plain.Analyze("Cafe\u0301 ok"));
    }

    [Fact]
    public void Plain_SupplementaryPlaneLetters_AreOneTokenAndEmojiSeparate()
    {
        // U+10400 DESERET CAPITAL LETTER LONG I lower-cases to U+10428; U+1F600 is a symbol.
        Assert.Equal(["\U00010428\U00010428", "hi", "there"], TextAnalyzer.Plain.Analyze("\U00010400\U00010400 hi\U0001F600there"));
    }

    [Fact]
    public void Plain_EmptyOrSeparatorsOnly_YieldsNothing()
    {
        Assert.Empty(TextAnalyzer.Plain.Analyze(""));
        Assert.Empty(TextAnalyzer.English.Analyze(" ,.;!? \n\t'’"));
    }

    [Fact]
    public void English_Possessive_IsDropped()
    {
        Assert.Equal(["carolin", "paint"], TextAnalyzer.English.Analyze("Caroline's painting"));
        Assert.Equal(["carolin", "paint"], TextAnalyzer.English.Analyze("Caroline\u2019s painting"));
        Assert.Equal(TextAnalyzer.English.Analyze("Caroline"), TextAnalyzer.English.Analyze("Caroline's"));
    }

    [Fact]
    public void English_StopWordsAndContractions_AreRemovedAndRestStemmed()
    {
        Assert.Equal(["go", "park", "think"], TextAnalyzer.English.Analyze("I'm going to the park, don't you think?"));
        Assert.Equal(["carolin", "lgbtq", "support", "group", "amaz"], TextAnalyzer.English.Analyze("When was Caroline's LGBTQ support group amazing?"));
    }

    [Fact]
    public void English_InnerApostrophe_IsRemovedTrailingOneSeparates()
    {
        Assert.Equal(["obrien", "parent", "hous"], TextAnalyzer.English.Analyze("O'Brien's parents' house"));
    }

    [Fact]
    public void English_ApostropheBeforeDigit_Separates()
    {
        Assert.Equal(["summer", "90"], TextAnalyzer.English.Analyze("summer'90"));
    }

    [Fact]
    public void English_StopWordList_IsLowerCaseAndAboutOneHundredTwentyWords()
    {
        Assert.InRange(TextAnalyzer.EnglishStopWords.Count, 100, 140);
        foreach (var word in TextAnalyzer.EnglishStopWords)
        {
            Assert.Equal(word.ToLowerInvariant(), word);
            Assert.Empty(TextAnalyzer.English.Analyze(word));
            Assert.Equal(word.Split('\''), TextAnalyzer.Plain.Analyze(word));
        }
    }

    [Fact]
    public void Analyze_BufferOverload_AppendsAndReturnsCount()
    {
        var terms = new List<string> { "existing" };
        var added = TextAnalyzer.English.Analyze("Dogs and cats".AsSpan(), terms);
        Assert.Equal(2, added);
        Assert.Equal(["existing", "dog", "cat"], terms);
    }

    [Fact]
    public void Analyze_TokenLongerThanStackBuffer_IsKeptWhole()
    {
        var longWord = new string('Q', 500);
        Assert.Equal([new string('q', 500), "end"], TextAnalyzer.Plain.Analyze(longWord + " end"));
        Assert.Single(TextAnalyzer.English.Analyze(longWord));
    }

    [Fact]
    public void Analyze_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TextAnalyzer.Plain.Analyze(null!));
        Assert.Throws<ArgumentNullException>(() => TextAnalyzer.Plain.Analyze("x".AsSpan(), null!));
    }
}
