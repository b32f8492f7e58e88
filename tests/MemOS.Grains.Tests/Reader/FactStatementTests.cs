using MemOS.Grains.Reader;

namespace MemOS.Grains.Tests.Reader;

public sealed class FactStatementTests
{
    [Theory]
    [InlineData("Ana", "I live in Lisbon.", "ana", "lives_in", "lisbon")]
    [InlineData("Ben", "Ana moved to Porto!", "ana", "lives_in", "porto")]
    [InlineData("Ana", "I now work as a nurse at the city hospital.", "ana", "works", "a nurse at the city hospital")]
    [InlineData("Ana", "My favourite colour is green.", "ana", "favourite_colour", "green")]
    [InlineData("Ben", "Caroline's favorite food is pasta", "caroline", "favourite_food", "pasta")]
    public void KnownShapes_AreFound(string speaker, string text, string subject, string attribute, string value)
        => Assert.Equal(new FactStatement(subject, attribute, value), FactStatement.Find(speaker, text));

    [Theory]
    [InlineData("I went to a support group yesterday.")]
    [InlineData("Do you live in Lisbon?")]
    [InlineData("We moved to Porto, and then to Braga.")]
    public void OtherSentences_StateNoFact(string text) => Assert.Null(FactStatement.Find("Ana", text));
}
