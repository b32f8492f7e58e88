using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Memories;

namespace MemOS.Grains.Tests.Memories;

public sealed class MemCubeLifecycleRulesTests
{
    public static TheoryData<MemCubeLifecycle, MemCubeLifecycle, bool> Transitions()
    {
        var legal = new HashSet<(MemCubeLifecycle, MemCubeLifecycle)>
        {
            (MemCubeLifecycle.Generated, MemCubeLifecycle.Activated),
            (MemCubeLifecycle.Activated, MemCubeLifecycle.Merged),
            (MemCubeLifecycle.Activated, MemCubeLifecycle.Archived),
            (MemCubeLifecycle.Archived, MemCubeLifecycle.Activated),
            (MemCubeLifecycle.Generated, MemCubeLifecycle.Expired),
            (MemCubeLifecycle.Activated, MemCubeLifecycle.Expired),
            (MemCubeLifecycle.Merged, MemCubeLifecycle.Expired),
            (MemCubeLifecycle.Archived, MemCubeLifecycle.Expired),
            (MemCubeLifecycle.Generated, MemCubeLifecycle.Deleted),
            (MemCubeLifecycle.Activated, MemCubeLifecycle.Deleted),
            (MemCubeLifecycle.Merged, MemCubeLifecycle.Deleted),
            (MemCubeLifecycle.Archived, MemCubeLifecycle.Deleted),
            (MemCubeLifecycle.Expired, MemCubeLifecycle.Deleted),
        };
        var data = new TheoryData<MemCubeLifecycle, MemCubeLifecycle, bool>();
        foreach (var from in Enum.GetValues<MemCubeLifecycle>())
        {
            foreach (var to in Enum.GetValues<MemCubeLifecycle>())
            {
                data.Add(from, to, legal.Contains((from, to)));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void CanTransition_MatchesTheDesignStateMachine(MemCubeLifecycle from, MemCubeLifecycle to, bool expected)
        => Assert.Equal(expected, MemCubeLifecycleRules.CanTransition(from, to));
}
