using MemOS.Evaluation.LoCoMo;

namespace MemOS.Evaluation.Tests.LoCoMo;

public sealed class LoCoMoDatasetTests
{
    private static LoCoMoConversation LoadSynthetic()
    {
        using var file = new TempFile(SyntheticLoCoMo.Json);
        return Assert.Single(LoCoMoDataset.Load(file.Path).Conversations);
    }

    [Fact]
    public void Load_SyntheticFile_ReadsConversationHeader()
    {
        var conversation = LoadSynthetic();

        Assert.Equal("conv-x", conversation.SampleId);
        Assert.Equal("Caroline", conversation.SpeakerA);
        Assert.Equal("Melanie", conversation.SpeakerB);
    }

    [Fact]
    public void Load_MoreDateKeysThanSessions_IteratesSessionKeysInNumericOrder()
    {
        var conversation = LoadSynthetic();

        Assert.Equal([1, 2, 10], conversation.Sessions.Select(s => s.Number));
        Assert.Equal(["D1:1", "D1:2", "D1:3", "D2:1", "D2:2", "D10:1"], conversation.Turns.Select(t => t.DiaId));
        Assert.Equal(6, conversation.DiaIds.Count);
    }

    [Fact]
    public void Load_SessionDateTime_ParsedAsUtc()
    {
        var conversation = LoadSynthetic();

        Assert.Equal(new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero), conversation.Sessions[0].DateTime);
        Assert.Equal(new DateTimeOffset(2023, 5, 20, 10, 4, 0, TimeSpan.Zero), conversation.Sessions[1].DateTime);
        Assert.Equal(new DateTimeOffset(2023, 7, 1, 9, 5, 0, TimeSpan.Zero), conversation.Sessions[2].DateTime);
        Assert.All(conversation.Sessions, s => Assert.All(s.Turns, t => Assert.Equal(s.DateTime, t.Timestamp)));
        Assert.All(conversation.Sessions, s => Assert.All(s.Turns, t => Assert.Equal(s.Number, t.Session)));
    }

    [Fact]
    public void Load_ImageTurn_AppendsCaptionToText()
    {
        var conversation = LoadSynthetic();

        Assert.Equal(
            new LoCoMoTurn("D1:3", 1, "Caroline", "I went to a LGBTQ support group yesterday. [image: a photo of a rainbow flag]",
                new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero)),
            conversation.Turns[2]);
        Assert.Equal("[image: a painting of a sunset]", conversation.Turns[4].Text);
        Assert.Equal("Hey Mel! Good to see you!", conversation.Turns[0].Text);
    }

    [Fact]
    public void Load_Questions_KeepRawEvidenceAndTextualAnswers()
    {
        var questions = LoadSynthetic().Questions;

        Assert.Equal(5, questions.Count);
        Assert.Equal(new[] { "D1:03" }, questions[0].Evidence);
        Assert.Equal("7 May 2023", questions[0].Answer);
        Assert.Equal("2022", questions[1].Answer);
        Assert.Equal(["D2:1; D1:2"], questions[1].Evidence);
        Assert.Null(questions[2].Answer);
        Assert.Equal(5, questions[2].Category);
        Assert.Empty(questions[3].Evidence);
        Assert.Empty(questions[4].Evidence);
        Assert.Equal([2, 2, 5, 3, 4], questions.Select(q => q.Category));
    }

    [Theory]
    [InlineData("[{\"sample_id\": \"c\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\"}, \"qa\": []", "line")]
    [InlineData("{}", "at $:")]
    [InlineData("[{\"conversation\": {}, \"qa\": []}]", "$[0]: the required property 'sample_id'")]
    [InlineData("[{\"sample_id\": \"c\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\", \"session_1\": [{\"speaker\": \"A\", \"text\": \"hi\"}], \"session_1_date_time\": \"1:56 pm on 8 May, 2023\"}, \"qa\": []}]", "$[0].conversation.session_1[0]: the required property 'dia_id'")]
    [InlineData("[{\"sample_id\": \"c\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\", \"session_1\": []}, \"qa\": []}]", "'session_1_date_time' is missing")]
    [InlineData("[{\"sample_id\": \"c\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\", \"session_1\": [], \"session_1_date_time\": \"yesterday\"}, \"qa\": []}]", "$[0].conversation.session_1_date_time: 'yesterday'")]
    [InlineData("[{\"sample_id\": \"c\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\", \"session_1\": {}}, \"qa\": []}]", "$[0].conversation.session_1: expected an array, found an object")]
    [InlineData("[{\"sample_id\": \"c\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\"}, \"qa\": [{\"question\": \"q\", \"category\": \"2\"}]}]", "$[0].qa[0].category: expected a number")]
    [InlineData("[{\"sample_id\": \"c\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\"}, \"qa\": [{\"question\": \"q\", \"category\": 2, \"evidence\": [3]}]}]", "$[0].qa[0].evidence[0]: expected a string")]
    public void Load_MalformedFile_ThrowsInvalidDataWithPathAndLocation(string json, string expectedFragment)
    {
        using var file = new TempFile(json);

        var error = Assert.Throws<InvalidDataException>(() => LoCoMoDataset.Load(file.Path));

        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => LoCoMoDataset.Load(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.json")));
    }
}
