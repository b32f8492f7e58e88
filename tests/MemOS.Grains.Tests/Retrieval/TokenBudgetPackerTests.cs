using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Tests.Retrieval;

public sealed class TokenBudgetPackerTests
{
    private static int ContextTokens(IEnumerable<string> lines) => MemoryRendering.CountTokens(MemoryRendering.RenderContext(lines).Length);

    [Fact]
    public void Pack_ItemsThatFit_AreAllKeptInRankOrder()
    {
        string[] lines = ["aaaa", "bbbb", "cccc"];

        // 4 + 1 + 4 + 1 + 4 = 14 characters -> 4 tokens.
        Assert.Equal(lines, TokenBudgetPacker.Pack(lines, l => l, 4));
    }

    [Fact]
    public void Pack_ItemTooLong_IsSkippedAndPackingContinues()
    {
        string[] lines = ["12345678", new string('x', 40), "abc", "defgh"];

        // "12345678" = 2 tokens; + the long line would be 13; "12345678\nabc" = 12 chars = 3 tokens; + "\ndefgh" = 18 chars = 5.
        Assert.Equal(["12345678", "abc"], TokenBudgetPacker.Pack(lines, l => l, 4));
        Assert.Equal(["12345678", "abc", "defgh"], TokenBudgetPacker.Pack(lines, l => l, 5));
    }

    [Fact]
    public void Pack_RandomLines_NeverExceedBudgetAndKeepGreedyChoice()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var lines = Enumerable.Range(0, random.Next(0, 30)).Select(_ => new string('w', random.Next(0, 120))).ToList();
            var budget = random.Next(0, 400);

            var kept = TokenBudgetPacker.Pack(lines, l => l, budget);

            Assert.True(ContextTokens(kept) <= budget);

            // Greedy in rank order: every skipped line would have overflowed the lines kept before it.
            var keptSoFar = new List<string>();
            var k = 0;
            foreach (var line in lines)
            {
                if (k < kept.Count && ReferenceEquals(kept[k], line))
                {
                    keptSoFar.Add(line);
                    k++;
                }
                else
                {
                    Assert.True(ContextTokens([.. keptSoFar, line]) > budget);
                }
            }

            Assert.Equal(kept.Count, k);
        }
    }

    [Fact]
    public void Pack_ZeroBudgetOrNoItems_ReturnsEmpty()
    {
        Assert.Empty(TokenBudgetPacker.Pack(["a"], l => l, 0));
        Assert.Empty(TokenBudgetPacker.Pack(Array.Empty<string>(), l => l, 100));
    }

    [Fact]
    public void Pack_BudgetExhausted_StopsRendering()
    {
        var rendered = 0;
        var items = Enumerable.Range(0, 1000);

        var kept = TokenBudgetPacker.Pack(items, i => { rendered++; return "abcdefgh"; }, 2);

        // "abcdefgh" is exactly 2 tokens; even an empty second line would make "abcdefgh\n" 3 tokens.
        Assert.Equal([0], kept);
        Assert.Equal(1, rendered);
    }

    [Fact]
    public void Pack_UsesMemoryRenderingLines()
    {
        var when = new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
        (string Speaker, string Text)[] turns = [("Caroline", "I went to a support group."), ("Melanie", "Nice!")];
        string Render((string Speaker, string Text) t) => MemoryRendering.RenderLine(when, t.Speaker, t.Text);

        var budget = ContextTokens(turns.Select(Render));

        Assert.Equal(turns, TokenBudgetPacker.Pack(turns, Render, budget));
        Assert.Equal(turns.Take(1), TokenBudgetPacker.Pack(turns, Render, budget - 1));
    }

    [Fact]
    public void Pack_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenBudgetPacker.Pack(["a"], l => l, -1));
        Assert.Throws<ArgumentNullException>(() => TokenBudgetPacker.Pack<string>(null!, l => l, 1));
        Assert.Throws<ArgumentNullException>(() => TokenBudgetPacker.Pack(["a"], null!, 1));
        Assert.Throws<ArgumentNullException>(() => TokenBudgetPacker.Pack(["a"], _ => null!, 1));
    }
}
