using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Tests.Retrieval;

public sealed class PorterStemmerTests
{
    // Words and stems from Porter (1980)'s examples and the reference vocabulary of tartarus.org/martin/PorterStemmer
    // (voc.txt -> output.txt), restricted to words the paper and the reference program stem alike.
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("ties", "ti")]
    [InlineData("caress", "caress")]
    [InlineData("cats", "cat")]
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("bled", "bled")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("troubled", "troubl")]
    [InlineData("sized", "size")]
    [InlineData("hopping", "hop")]
    [InlineData("tanned", "tan")]
    [InlineData("falling", "fall")]
    [InlineData("hissing", "hiss")]
    [InlineData("fizzed", "fizz")]
    [InlineData("failing", "fail")]
    [InlineData("filing", "file")]
    [InlineData("happy", "happi")]
    [InlineData("sky", "sky")]
    [InlineData("relational", "relat")]
    [InlineData("conditional", "condit")]
    [InlineData("rational", "ration")]
    [InlineData("valenci", "valenc")]
    [InlineData("hesitanci", "hesit")]
    [InlineData("digitizer", "digit")]
    [InlineData("conformabli", "conform")]
    [InlineData("radicalli", "radic")]
    [InlineData("differentli", "differ")]
    [InlineData("vileli", "vile")]
    [InlineData("analogousli", "analog")]
    [InlineData("vietnamization", "vietnam")]
    [InlineData("predication", "predic")]
    [InlineData("operator", "oper")]
    [InlineData("feudalism", "feudal")]
    [InlineData("decisiveness", "decis")]
    [InlineData("hopefulness", "hope")]
    [InlineData("callousness", "callous")]
    [InlineData("formaliti", "formal")]
    [InlineData("sensitiviti", "sensit")]
    [InlineData("sensibiliti", "sensibl")]
    [InlineData("triplicate", "triplic")]
    [InlineData("formative", "form")]
    [InlineData("formalize", "formal")]
    [InlineData("electriciti", "electr")]
    [InlineData("electrical", "electr")]
    [InlineData("hopeful", "hope")]
    [InlineData("goodness", "good")]
    [InlineData("revival", "reviv")]
    [InlineData("allowance", "allow")]
    [InlineData("inference", "infer")]
    [InlineData("airliner", "airlin")]
    [InlineData("gyroscopic", "gyroscop")]
    [InlineData("adjustable", "adjust")]
    [InlineData("defensible", "defens")]
    [InlineData("irritant", "irrit")]
    [InlineData("replacement", "replac")]
    [InlineData("adjustment", "adjust")]
    [InlineData("dependent", "depend")]
    [InlineData("adoption", "adopt")]
    [InlineData("homologou", "homolog")]
    [InlineData("communism", "commun")]
    [InlineData("activate", "activ")]
    [InlineData("angulariti", "angular")]
    [InlineData("homologous", "homolog")]
    [InlineData("effective", "effect")]
    [InlineData("bowdlerize", "bowdler")]
    [InlineData("probate", "probat")]
    [InlineData("rate", "rate")]
    [InlineData("cease", "ceas")]
    [InlineData("controll", "control")]
    [InlineData("roll", "roll")]
    [InlineData("generalization", "gener")]
    [InlineData("generalizations", "gener")]
    [InlineData("oscillators", "oscil")]
    [InlineData("connection", "connect")]
    [InlineData("connections", "connect")]
    [InlineData("connected", "connect")]
    [InlineData("connecting", "connect")]
    [InlineData("painting", "paint")]
    [InlineData("paintings", "paint")]
    [InlineData("counseling", "counsel")]
    public void Stem_KnownWord_ReturnsPorterStem(string word, string expected)
    {
        Assert.Equal(expected, PorterStemmer.Stem(word));
    }

    [Theory]
    [InlineData("possibly", "possibli")]
    [InlineData("archaeology", "archaeologi")]
    public void Stem_WordWhereReferenceProgramDeparts_FollowsThePaper(string word, string expected)
    {
        // The C reference program's later "bli -> ble" and "logi -> log" rules are not part of the 1980 paper.
        Assert.Equal(expected, PorterStemmer.Stem(word));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("is")]
    [InlineData("as")]
    public void Stem_WordOfAtMostTwoCharacters_IsUnchanged(string word)
    {
        Assert.Same(word, PorterStemmer.Stem(word));
    }

    [Fact]
    public void Stem_WordWithoutSuffix_ReturnsSameInstance()
    {
        var word = new string("tree".AsSpan());
        Assert.Same(word, PorterStemmer.Stem(word));
    }

    [Theory]
    [InlineData("2023")]
    [InlineData("1990s")]
    [InlineData("café")]
    public void Stem_NonEnglishCharacters_DoesNotThrow(string word)
    {
        var stem = PorterStemmer.Stem(word);
        Assert.NotEmpty(stem);
        Assert.True(stem.Length <= word.Length);
    }

    [Fact]
    public void Stem_SpanOverload_MatchesStringOverload()
    {
        foreach (var word in new[] { "generalizations", "hopping", "ponies", "relational", "sky", "controll" })
        {
            var buffer = word.ToCharArray();
            var length = PorterStemmer.Stem(buffer.AsSpan());
            Assert.Equal(PorterStemmer.Stem(word), new string(buffer, 0, length));
        }
    }

    [Fact]
    public void Stem_WordLongerThanStackBuffer_IsStemmed()
    {
        // "xxx" has measure 0, so step 2 keeps "ational" and step 4 strips only "al".
        var word = new string('x', 300) + "ational";
        Assert.Equal(new string('x', 300) + "ation", PorterStemmer.Stem(word));
    }

    [Fact]
    public void Stem_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => PorterStemmer.Stem((string)null!));
    }
}
