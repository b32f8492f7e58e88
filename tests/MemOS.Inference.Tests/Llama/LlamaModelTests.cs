using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>Loading a GGUF model, its metadata and its vocabulary, over the real stories260K model.</summary>
public sealed class LlamaModelTests
{
    // shared/models/stories260K/SOURCE.md (identical to ggml-org's tinyllamas/stories260K.gguf).
    private const string StoriesSha256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";

    [Fact]
    public void Load_ReadsTheModelsShapeAndMetadata()
    {
        var model = LlamaTestAssets.Stories();
        Assert.Equal(64, model.EmbeddingDimension);
        Assert.Equal(2048, model.TrainingContextTokens);
        Assert.Equal(512, model.VocabularySize);
        Assert.Equal(5, model.LayerCount);
        Assert.Equal(292_800, model.ParameterCount);
        Assert.Equal("llama", model.Architecture);
        Assert.Null(model.Pooling); // a generative model names no pooling
        Assert.False(model.HasEncoder);
        Assert.Equal("llama", model.GetMetadata("general.architecture"));
        Assert.Equal("64", model.GetMetadata("llama.embedding_length"));
        Assert.Null(model.GetMetadata("llama.pooling_type"));
        Assert.StartsWith("llama", model.Description, StringComparison.Ordinal);
        Assert.Equal((1, 2), (model.BosToken, model.EosToken));
        Assert.True(model.AddsBos);
    }

    [Fact]
    public void Sha256_IsTheFilesDigest()
    {
        Assert.Equal(StoriesSha256, LlamaTestAssets.Stories().Sha256);
    }

    [Fact]
    public void TokenizeThenDetokenize_GivesTheTextBack()
    {
        var model = LlamaTestAssets.Stories();
        const string text = "Once upon a time, there was a little girl named Lily. She loved to play outside!";
        var tokens = model.Tokenize(text);
        Assert.Equal(model.BosToken, tokens[0]);
        Assert.All(tokens, t => Assert.InRange(t, 0, model.VocabularySize - 1));
        Assert.True(tokens.Length > 10);
        var content = model.Tokenize(text, addSpecial: false);
        Assert.Equal(tokens[1..], content);
        Assert.Equal(text, model.Detokenize(content));
        Assert.Equal("<s> " + text, model.Detokenize(tokens, unparseSpecial: true));
    }

    [Fact]
    public void Tokenize_TheEmptyText_GivesOnlyTheSpecialTokens()
    {
        var model = LlamaTestAssets.Stories();
        Assert.Empty(model.Tokenize("", addSpecial: false));
        Assert.Equal([model.BosToken!.Value], model.Tokenize(""));
    }

    [Fact]
    public void Detokenize_ATokenOutsideTheVocabulary_Throws()
    {
        var model = LlamaTestAssets.Stories();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Detokenize([5, model.VocabularySize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Detokenize([-1]));
    }

    [Fact]
    public void Load_AMissingFile_ThrowsNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.gguf");
        var exception = Assert.Throws<LlamaException>(() => LlamaModel.Load(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AFileThatIsNotGguf_ThrowsNamingThePath()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "notes.gguf");
        File.WriteAllText(path, "this is a text file, not a model");
        var exception = Assert.Throws<LlamaException>(() => LlamaModel.Load(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a GGUF file", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ATruncatedGguf_ThrowsWithLlamasReason()
    {
        var source = LlamaTestAssets.RequireStoriesModel();
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "truncated.gguf");
        File.WriteAllBytes(path, File.ReadAllBytes(source)[..4096]); // the magic and part of the header
        var exception = Assert.Throws<LlamaException>(() => LlamaModel.Load(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("could not load", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ADirectory_Throws()
    {
        using var directory = new TempDirectory();
        var exception = Assert.Throws<LlamaException>(() => LlamaModel.Load(directory.Path));
        Assert.Contains(directory.Path, exception.Message, StringComparison.Ordinal);
    }
}
