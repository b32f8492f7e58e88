using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Tests.Retrieval;

public sealed class ContextPackerTests
{
    private static readonly DateTimeOffset Day1 = new(2023, 5, 8, 13, 0, 0, TimeSpan.Zero);

    private static int Tokens(IEnumerable<ContextEntry> entries) => MemoryRendering.CountTokens(MemoryRendering.RenderGroupedContext(entries).Length);

    [Fact]
    public void Packs_WholeMemoriesInRankOrder_WithinTheBudgetOfTheGroupedRendering()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 300; trial++)
        {
            var entries = Enumerable.Range(0, random.Next(1, 40)).Select(i => new ContextEntry(
                random.Next(4) == 0 ? null : Day1.AddDays(random.Next(5)).AddMinutes(random.Next(600)),
                random.Next(3) == 0 ? null : "Speaker" + random.Next(3),
                new string((char)('a' + (i % 26)), random.Next(1, 120)))).ToList();
            var budget = random.Next(0, 400);

            var packed = ContextPacker.Pack(entries, e => e, budget);

            Assert.True(Tokens(packed) <= budget, $"trial {trial}: {Tokens(packed)} tokens for a budget of {budget}");
            // Rank order is kept (a subsequence of the input), and each kept memory is whole.
            var position = -1;
            foreach (var entry in packed)
            {
                position = entries.IndexOf(entry, position + 1);
                Assert.True(position >= 0);
            }

            // Greedy by rank: every memory left out did not fit beside those taken before it.
            var taken = new List<ContextEntry>();
            foreach (var entry in entries)
            {
                if (packed.Contains(entry) && taken.Count < packed.Count && packed[taken.Count] == entry)
                {
                    taken.Add(entry);
                }
                else
                {
                    Assert.True(Tokens([.. taken, entry]) > budget, $"trial {trial}: a memory that fits was left out");
                }
            }
        }
    }

    [Fact]
    public void UsedTokens_CountsEachDayHeaderOnce()
    {
        var packer = new ContextPacker(1_000);
        ContextEntry[] entries =
        [
            new(Day1, "Caroline", "I went to a support group."),
            new(Day1.AddHours(1), "Melanie", "That is great."),
            new(Day1.AddDays(3), "Caroline", "I adopted a puppy."),
            new(null, null, "An undated note."),
        ];
        foreach (var entry in entries)
        {
            Assert.Equal(Tokens(entries.Take(packer.Count + 1)), packer.TokensWith(entry));
            Assert.True(packer.TryAdd(entry));
            Assert.Equal(Tokens(entries.Take(packer.Count)), packer.UsedTokens);
        }
    }

    [Fact]
    public void ALongMemory_IsSkipped_AndShorterOnesBelowItStillFill_TheBudget()
    {
        ContextEntry[] entries =
        [
            new(null, null, new string('a', 20)),
            new(null, null, new string('b', 200)),
            new(null, null, new string('c', 10)),
        ];
        var packed = ContextPacker.Pack(entries, e => e, 10);
        Assert.Equal([entries[0], entries[2]], packed);
        Assert.Equal(8, Tokens(packed)); // 20 + 1 + 10 characters
    }

    [Fact]
    public void ZeroBudget_TakesNothing_AndNegativeIsRefused()
    {
        Assert.Empty(ContextPacker.Pack([new ContextEntry(null, null, "x")], e => e, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContextPacker(-1));
        Assert.True(new ContextPacker(0).IsFull);
    }
}
