using MemOS.Runtime.Storage;

namespace MemOS.Runtime.Tests;

public sealed class GrainKeyPrefixTests
{
    [Theory]
    [InlineData("ab", "ac")]
    [InlineData("a/", "a0")]
    [InlineData("x\uD7FF", "x\uE000")]
    [InlineData("x\uFFFF", null)]
    [InlineData("", null)]
    public void UpperBound_Prefix_IsTheNextCodePointString(string prefix, string? expected)
    {
        Assert.Equal(expected, GrainKeyPrefix.UpperBound(prefix));
    }
}
