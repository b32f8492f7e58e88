namespace MemOS.Runtime.Tests.Cluster;

/// <summary>Placement by rendezvous hashing, as a pure function: stable under reordering, balanced, and minimal
/// movement when a silo joins or leaves (only that silo's share moves).</summary>
public sealed class RendezvousHashTests
{
    private const int Keys = 20_000;

    private static readonly string[] Silos = ["silo-a-1700000000000", "silo-b-1700000000001", "silo-c-1700000000002", "silo-d-1700000000003"];

    private static IEnumerable<string> GrainKeys() => Enumerable.Range(0, Keys).Select(static i => $"default/user{i:D5}");

    [Fact]
    public void Owner_SameSilosInAnotherOrder_SameOwner()
    {
        var reversed = Silos.Reverse().ToArray();
        foreach (var key in GrainKeys().Take(2_000))
        {
            Assert.Equal(Silos[RendezvousHash.Owner("memscheduler", key, Silos)], reversed[RendezvousHash.Owner("memscheduler", key, reversed)]);
        }
    }

    [Fact]
    public void Owner_NoSilos_IsMinusOne()
    {
        Assert.Equal(-1, RendezvousHash.Owner("memscheduler", "default/alice", []));
    }

    [Fact]
    public void Owner_IsTheSiloOfHighestWeight()
    {
        foreach (var key in GrainKeys().Take(500))
        {
            var owner = Silos[RendezvousHash.Owner("memcube", key, Silos)];
            var weights = Silos.ToDictionary(s => s, s => RendezvousHash.Weight(s, "memcube", key));
            Assert.Equal(weights.MaxBy(static p => p.Value).Key, owner);
        }
    }

    [Fact]
    public void Owner_GrainTypeIsPartOfTheIdentity()
    {
        var differ = GrainKeys().Take(1_000).Count(k => RendezvousHash.Owner("memcube", k, Silos) != RendezvousHash.Owner("memscheduler", k, Silos));

        // Independent placements agree on a quarter of the keys with four silos; tied ones would agree on all.
        Assert.InRange(differ, 650, 850);
    }

    [Fact]
    public void Owner_ManyKeys_SpreadsEvenlyOverTheSilos()
    {
        var counts = GrainKeys().GroupBy(k => RendezvousHash.Owner("memcube", k, Silos)).ToDictionary(static g => g.Key, static g => g.Count());

        Assert.Equal(Silos.Length, counts.Count);

        // 20,000 keys over 4 silos: 5,000 each, standard deviation about 61; the bounds are more than 4 of them.
        Assert.All(counts.Values, static c => Assert.InRange(c, 4_700, 5_300));
    }

    [Fact]
    public void Owner_SiloLeaves_OnlyItsGrainsMove_EachToItsSecondChoice()
    {
        var leaving = Silos[2];
        var remaining = Silos.Where(s => s != leaving).ToArray();
        var moved = 0;
        foreach (var key in GrainKeys())
        {
            var before = Silos[RendezvousHash.Owner("memcube", key, Silos)];
            var after = remaining[RendezvousHash.Owner("memcube", key, remaining)];
            if (before != leaving)
            {
                Assert.Equal(before, after);
                continue;
            }

            moved++;
            var secondChoice = remaining.MaxBy(s => RendezvousHash.Weight(s, "memcube", key));
            Assert.Equal(secondChoice, after);
        }

        Assert.InRange(moved, 4_700, 5_300);
    }

    [Fact]
    public void Owner_SiloJoins_OnlyTheGrainsItWinsMove_AboutAFifth()
    {
        const string Joining = "silo-e-1700000000004";
        var grown = Silos.Append(Joining).ToArray();
        var moved = 0;
        foreach (var key in GrainKeys())
        {
            var before = Silos[RendezvousHash.Owner("memcube", key, Silos)];
            var after = grown[RendezvousHash.Owner("memcube", key, grown)];
            if (after == Joining)
            {
                moved++;
            }
            else
            {
                Assert.Equal(before, after);
            }
        }

        // 1/5 of 20,000 = 4,000, standard deviation about 57.
        Assert.InRange(moved, 3_700, 4_300);
    }

    [Fact]
    public void Weight_LongKey_IsHashedWhole()
    {
        var prefix = new string('k', 600);
        Assert.NotEqual(RendezvousHash.Weight(Silos[0], "memcube", prefix + "1"), RendezvousHash.Weight(Silos[0], "memcube", prefix + "2"));
        Assert.Equal(RendezvousHash.Weight(Silos[0], "memcube", prefix + "1"), RendezvousHash.Weight(Silos[0], "memcube", prefix + "1"));
    }
}
