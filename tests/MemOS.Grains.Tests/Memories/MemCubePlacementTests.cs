using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Memories;
using MemOS.Runtime;
using System.Reflection;

namespace MemOS.Grains.Tests.Memories;

/// <summary>A user's MemCubes are placed with the user's MemScheduler; other spaces' cubes together by space.</summary>
public sealed class MemCubePlacementTests
{
    private readonly MemCubePlacement _placement = new();

    [Fact]
    public void PrivateSpaceCube_IsPlacedWithItsUsersScheduler()
    {
        var cube = MemCubeKeys.Cube("acme", MemCubeKeys.PrivateSpace("ana"), "01HX0000000000000000000001");
        Assert.Equal(new PlacementTarget(MemCubeKeys.SchedulerGrainType, MemCubeKeys.Scheduler("acme", "ana")), _placement.Colocate(cube));
    }

    [Fact]
    public void SharedSpaceCubes_ArePlacedTogetherBySpace()
    {
        var first = _placement.Colocate(MemCubeKeys.Cube("acme", "team-red", "01HX0000000000000000000001"));
        var second = _placement.Colocate(MemCubeKeys.Cube("acme", "team-red", "01HX0000000000000000000002"));
        Assert.Equal(new PlacementTarget(MemCubePlacement.SpacePlacementType, "acme/team-red"), first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, _placement.Colocate(MemCubeKeys.Cube("other", "team-red", "01HX0000000000000000000001")));
    }

    [Theory]
    [InlineData("no-slash")]
    [InlineData("/u:ana/x")]
    [InlineData("acme//x")]
    [InlineData("acme/u:ana")]
    public void KeysNotOfTheCubeShape_ArePlacedByThemselves(string key) => Assert.Null(_placement.Colocate(key));

    [Fact]
    public void BothCubeGrainClasses_UseIt()
    {
        foreach (var grain in new[] { typeof(MemCubeGrain), typeof(ActivationCubeGrain) })
        {
            Assert.Equal(typeof(MemCubePlacement), grain.GetCustomAttribute<PlacedWithAttribute>()?.Affinity);
        }
    }
}
