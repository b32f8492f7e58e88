using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Reader;

namespace MemOS.Grains.Tests.Reader;

public sealed class PlaintextMemReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly PlaintextMemReader _reader = new();

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

    [Theory]
    [InlineData("Caroline", "Yesterday I met Melanie at the Art Museum. She loved it!", new[] { "Caroline", "Melanie", "Art", "Museum" })]
    [InlineData("Ben", "I think so. Paris was great.", new[] { "Ben" })]
    [InlineData("Ana", "we saw caroline, then Caroline again", new[] { "Ana", "Caroline" })]
    public void ExtractEntities_FindsCapitalizedNamesNotOpeningASentence(string speaker, string text, string[] expected)
        => Assert.Equal(expected, PlaintextMemReader.ExtractEntities(speaker, text));
}
