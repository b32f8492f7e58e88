using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Reader;
using Microsoft.Extensions.Options;

namespace MemOS.Grains.Tests.Reader;

public sealed class PlaintextMemReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly PlaintextMemReader _reader = new(Options.Create(new MemReaderOptions()));

    private static PlaintextMemReader Reader(MemoryGranularity granularity, int minChars = 1, int maxChars = 0)
        => new(Options.Create(new MemReaderOptions { Granularity = granularity, MinSegmentChars = minChars, MaxSegmentChars = maxChars }));

    [Fact]
    public void Read_KeepsMessageIdSpeakerAndTimeInProvenance()
    {
        var said = new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
        var drafts = _reader.Read("alice", "conv-26",
            [new ConversationMessage("D1:3", "Caroline", "  I went to the LGBTQ support group.  ", said)], Now);
        var (index, draft) = Assert.Single(drafts);
        Assert.Equal(0, index);
        Assert.Equal("alice", draft.OwnerId);
        Assert.Equal(MemoryKinds.Turn, draft.Kind);
        Assert.Equal("I went to the LGBTQ support group.", draft.Text);
        Assert.Equal(["D1:3"], draft.Provenance.MessageIds);
        Assert.Equal("Caroline", draft.Provenance.Speaker);
        Assert.Equal("conv-26", draft.Provenance.ConversationId);
        Assert.Equal(said, draft.Provenance.MessageTime);
        Assert.Equal(said, draft.ValidFrom);
        Assert.Equal(_reader.Producer, draft.Provenance.Producer);
    }

    [Fact]
    public void Read_MessageWithoutTimestamp_IsValidFromNow()
    {
        var drafts = _reader.Read("alice", null, [new ConversationMessage("m1", "user", "hello")], Now);
        Assert.Equal(Now, drafts[0].Draft.ValidFrom);
        Assert.Null(drafts[0].Draft.Provenance.ConversationId);
    }

    [Fact]
    public void Read_MakesAtLeastOneMemoryPerMessage_InOrder()
    {
        var messages = Enumerable.Range(1, 5).Select(i => new ConversationMessage($"D1:{i}", "a", $"message {i}", Now)).ToList();
        var drafts = _reader.Read("alice", "c", messages, Now);
        Assert.Equal([0, 1, 2, 3, 4], drafts.Select(d => d.MessageIndex));
        Assert.Equal(messages.Select(m => m.Id), drafts.Select(d => d.Draft.Provenance.MessageIds.Single()));
    }

    [Fact]
    public void Read_SentenceGranularity_MakesOneUtterancePerSentence_WithTheMessagesProvenanceAndDigest()
    {
        var said = new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
        var message = new ConversationMessage("D1:3", "Caroline", "Wow! I went to the support group. Dr. Lee was there.", said);
        var drafts = _reader.Read("alice", "conv-26", [message], Now);
        Assert.Equal(["Wow!", "I went to the support group.", "Dr. Lee was there."], drafts.Select(d => d.Draft.Text));
        Assert.All(drafts, d =>
        {
            Assert.Equal(0, d.MessageIndex);
            Assert.Equal(MemoryKinds.Utterance, d.Draft.Kind);
            Assert.Equal(["D1:3"], d.Draft.Provenance.MessageIds);
            Assert.Equal("Caroline", d.Draft.Provenance.Speaker);
            Assert.Equal(said, d.Draft.ValidFrom);
            Assert.Equal(PlaintextMemReader.SourceDigest("Caroline", message.Text), d.Draft.Provenance.SourceDigest);
        });
    }

    [Fact]
    public void Read_OneSentenceMessage_IsATurnWithoutDigest()
    {
        var draft = Assert.Single(_reader.Read("alice", "c", [new ConversationMessage("m1", "a", "Just one sentence here.", Now)], Now)).Draft;
        Assert.Equal(MemoryKinds.Turn, draft.Kind);
        Assert.Null(draft.Provenance.SourceDigest);
    }

    [Fact]
    public void Read_TurnGranularity_KeepsTheWholeMessage()
    {
        var drafts = Reader(MemoryGranularity.Turn).Read("alice", "c", [new ConversationMessage("m1", "a", "One. Two! Three?", Now)], Now);
        Assert.Equal("One. Two! Three?", Assert.Single(drafts).Draft.Text);
    }

    [Fact]
    public void Read_MinSegmentChars_JoinsShortSentencesWithTheNext()
    {
        var drafts = Reader(MemoryGranularity.Sentence, minChars: 10).Read(
            "alice", "c", [new ConversationMessage("m1", "a", "Wow! That painting is lovely. I painted it myself. Ok.", Now)], Now);
        Assert.Equal(["Wow! That painting is lovely.", "I painted it myself. Ok."], drafts.Select(d => d.Draft.Text));
    }

    [Theory]
    [InlineData("Caroline", "Yesterday I met Melanie at the Art Museum. She loved it!", new[] { "Caroline", "Melanie", "Art", "Museum" })]
    [InlineData("Ben", "I think so. Paris was great.", new[] { "Ben" })]
    [InlineData("Ana", "we saw caroline, then Caroline again", new[] { "Ana", "Caroline" })]
    public void ExtractEntities_FindsCapitalizedNamesNotOpeningASentence(string speaker, string text, string[] expected)
        => Assert.Equal(expected, PlaintextMemReader.ExtractEntities(speaker, text));
}
