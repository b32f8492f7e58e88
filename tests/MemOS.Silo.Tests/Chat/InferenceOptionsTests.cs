using MemOS.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Tests.Chat;

/// <summary><c>MemOS:Inference</c> and <c>MemOS:Activation</c> are validated when the silo starts: a model file that is
/// not there, an unknown template, a batch of none fail the start with a message naming the setting.</summary>
public sealed class InferenceOptionsTests
{
    [Theory]
    [InlineData("MemOS:Inference:ModelPath", "/nonexistent/model.gguf", "MemOS:Inference:ModelPath names '/nonexistent/model.gguf', which is not a file")]
    [InlineData("MemOS:Inference:PromptTemplate", "alpaca/v9", "MemOS:Inference:PromptTemplate must be one of: memos-plain/v1, chatml/v1.")]
    [InlineData("MemOS:Inference:PrecomputeMaxBatch", "0", "MemOS:Inference:PrecomputeMaxBatch must be 1-256.")]
    [InlineData("MemOS:Activation:BatchSize", "0", "MemOS:Activation:BatchSize must be at least 1.")]
    [InlineData("MemOS:Activation:BatchWindow", "00:00:00", "MemOS:Activation:BatchWindow must be positive.")]
    public async Task Start_WithABadInferenceSetting_FailsNamingIt(string setting, string value, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("memos-inference-options-").FullName;
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EmbeddedSilo.StartAsync(
                directory, configure: b => b.Configuration[setting] = value,
                cancellationToken: TestContext.Current.CancellationToken));

            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
