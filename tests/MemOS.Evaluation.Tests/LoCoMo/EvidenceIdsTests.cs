using MemOS.Evaluation.LoCoMo;

namespace MemOS.Evaluation.Tests.LoCoMo;

public sealed class EvidenceIdsTests
{
    private static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "D1:1", "D1:2", "D1:3", "D1:18", "D1:20", "D8:6", "D9:17", "D11:26", "D30:5",
    };

    [Theory]
    [InlineData("D30:05", "D30:5")]
    [InlineData("D:11:26", "D11:26")]
    [InlineData("D1:3", "D1:3")]
    [InlineData("d1:3", "D1:3")]
    [InlineData("(D1:3)", "D1:3")]
    [InlineData("D1:3.", "D1:3")]
    [InlineData("D01:003", "D1:3")]
    [InlineData("D", null)]
    [InlineData("D12", null)]
    [InlineData("D1:2:3", null)]
    [InlineData("1:3", null)]
    [InlineData("", null)]
    [InlineData("D99999999999:1", null)]
    public void NormalizeOne_Piece_ReturnsCanonicalIdOrNull(string piece, string? expected)
    {
        Assert.Equal(expected, EvidenceIds.NormalizeOne(piece));
    }

    [Fact]
    public void Normalize_LeadingZero_IsRemoved()
    {
        Assert.Equal(["D30:5"], EvidenceIds.Normalize(["D30:05"], Known));
    }

    [Fact]
    public void Normalize_ColonAfterD_IsRepaired()
    {
        Assert.Equal(["D1:20", "D11:26"], EvidenceIds.Normalize(["D1:20", "D:11:26"], Known));
    }

    [Theory]
    [InlineData("D8:6; D9:17")]
    [InlineData("D8:6;D9:17")]
    [InlineData("D8:6 D9:17")]
    [InlineData("D8:6,\tD9:17")]
    [InlineData(" D8:6 ;  D9:17 ; ")]
    public void Normalize_SeveralIdsInOneString_AreSplit(string raw)
    {
        Assert.Equal(["D8:6", "D9:17"], EvidenceIds.Normalize([raw], Known));
    }

    [Fact]
    public void Normalize_BareD_IsDropped()
    {
        var rejected = new List<string>();

        Assert.Equal(["D1:18", "D1:20"], EvidenceIds.Normalize(["D1:18", "D", "D1:20"], Known, rejected));
        Assert.Equal(["D"], rejected);
    }

    [Fact]
    public void Normalize_IdPastEndOfSessionOrUnknownSession_IsDropped()
    {
        var rejected = new List<string>();

        Assert.Equal(["D1:3"], EvidenceIds.Normalize(["D1:21", "D1:3", "D4:36", "D99:1"], Known, rejected));
        Assert.Equal(["D1:21", "D4:36", "D99:1"], rejected);
    }

    [Fact]
    public void Normalize_Duplicates_KeptOnceInFirstOrder()
    {
        Assert.Equal(["D1:2", "D1:1"], EvidenceIds.Normalize(["D1:2", "D1:1", "D1:02", "D1:2; D1:1"], Known));
    }

    [Fact]
    public void Normalize_NoEvidenceOrNothingValid_ReturnsEmpty()
    {
        Assert.Empty(EvidenceIds.Normalize([], Known));
        Assert.Empty(EvidenceIds.Normalize(["D", "", "  ", "D77:1", "D 1:3"], Known));
    }

    [Fact]
    public void Normalize_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => EvidenceIds.Normalize(null!, Known));
        Assert.Throws<ArgumentNullException>(() => EvidenceIds.Normalize(["D1:1"], null!));
        Assert.Throws<ArgumentNullException>(() => EvidenceIds.Normalize([null!], Known));
    }
}
