using MemOS.Inference.Embeddings;
using MemOS.Inference.Embeddings.Glove;

namespace MemOS.Inference.Tests.Embeddings;

public sealed class GloveCacheBuilderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("memos-glove-").FullName;

    private string JsonPath => Path.Combine(_directory, GloveAssets.JsonFileName);

    private string CachePath => Path.Combine(_directory, GloveAssets.CacheFileName);

    // The package's shape: words in rank order; each vector followed by its norm and its rank. Vectors are listed out
    // of rank order on purpose: the builder must place rows by rank, not by position.
    private const string SmallPackage = """
        {"dimensions": 3, "words": ["the", "cat", "sat"], "unused": {"a": [1, 2]},
         "vectors": {"sat": [0.5, -0.25, 1.0, 1.14, 2], "the": [1, 0, 0, 1, 0], "cat": [0, 0.125, -2.5, 2.5, 1]}}
        """;

    [Fact]
    public void Build_ThenLoad_KeepsWordsInRankOrderAndVectorsByRank()
    {
        File.WriteAllText(JsonPath, SmallPackage);
        GloveCacheBuilder.Build(JsonPath, CachePath);
        var vectors = GloveVectors.Load(CachePath);

        Assert.Equal(3, vectors.Dimension);
        Assert.Equal(["the", "cat", "sat"], vectors.Words);
        Assert.True(vectors.TryGetIndex("sat", out var sat));
        Assert.Equal(2, sat);
        var row = new float[3];
        vectors.AddScaled(sat, 1, row);
        Assert.Equal([0.5f, -0.25f, 1.0f], row);
        Array.Clear(row);
        vectors.AddScaled(1, 2, row);
        Assert.Equal([0f, 0.25f, -5f], row);
        Assert.False(vectors.TryGetIndex("dog", out _));
    }

    [Fact]
    public void Probability_FallsWithRank_AndSumsToOne()
    {
        File.WriteAllText(JsonPath, SmallPackage);
        GloveCacheBuilder.Build(JsonPath, CachePath);
        var vectors = GloveVectors.Load(CachePath);
        Assert.True(vectors.Probability(0) > vectors.Probability(1));
        Assert.True(vectors.Probability(1) > vectors.Probability(2));
        // Zipf over n words with H_n approximated by ln n + gamma + 1/(2n): the sum is close to 1.
        var sum = Enumerable.Range(0, vectors.Count).Sum(vectors.Probability);
        Assert.InRange(sum, 0.98, 1.02);
    }

    [Fact]
    public void Build_LeavesNoTemporaryFile()
    {
        File.WriteAllText(JsonPath, SmallPackage);
        GloveCacheBuilder.Build(JsonPath, CachePath);
        Assert.Equal([GloveAssets.CacheFileName, GloveAssets.JsonFileName],
            Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"dimensions": 2, "words": ["a"], "vectors": {"a": [1, 0, 1]}}""", "expected 2")]
    [InlineData("""{"dimensions": 2, "words": ["a", "b"], "vectors": {"a": [1, 0, 1, 0]}}""", "rank 1 has no vector")]
    [InlineData("""{"dimensions": 2, "words": ["a"], "vectors": {"a": [1, 0, 1, 7]}}""", "rank 7")]
    [InlineData("""{"vectors": {}, "dimensions": 2, "words": ["a"]}""", "must come before")]
    [InlineData("""{"dimensions": 2, "words": ["a"]}""", "lacks")]
    public void Build_RejectsMalformedPackages(string json, string message)
    {
        File.WriteAllText(JsonPath, json);
        var error = Assert.Throws<InvalidDataException>(() => GloveCacheBuilder.Build(JsonPath, CachePath));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(CachePath));
    }

    [Fact]
    public void Load_RejectsATruncatedCache_WithAHintToRebuild()
    {
        File.WriteAllText(JsonPath, SmallPackage);
        GloveCacheBuilder.Build(JsonPath, CachePath);
        var bytes = File.ReadAllBytes(CachePath);
        File.WriteAllBytes(CachePath, bytes[..^3]);
        var error = Assert.Throws<InvalidDataException>(() => GloveVectors.Load(CachePath));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAFileThatIsNotACache()
    {
        File.WriteAllText(CachePath, "{\"not\": \"a cache\"}");
        var error = Assert.Throws<InvalidDataException>(() => GloveVectors.Load(CachePath));
        Assert.Contains("bad magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assets_BuildTheCacheOnFirstLoad_FromAPackageDirectory()
    {
        File.WriteAllText(JsonPath, SmallPackage);
        var vectors = GloveAssets.Load(_directory);
        Assert.True(File.Exists(CachePath));
        Assert.Same(vectors, GloveAssets.Load(_directory));
    }

    [Fact]
    public void Assets_WithoutAPackage_SayHowToInstallIt()
    {
        var error = Assert.Throws<EmbeddingException>(() => GloveAssets.Load(Path.Combine(_directory, "missing")));
        Assert.Contains("Could not load", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
