using MemOS.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Tests.Governance;

/// <summary>The cluster admin key setting: a short key stops the silo at start, naming the setting.</summary>
public sealed class AuthOptionsTests
{
    [Theory]
    [InlineData("MemOS:Auth:AdminKey")]
    [InlineData("MEMOS_ADMIN_KEY")]
    public async Task Start_WithAShortAdminKey_FailsNamingTheSetting(string setting)
    {
        var directory = Directory.CreateTempSubdirectory("memos-auth-options-").FullName;
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EmbeddedSilo.StartAsync(
                directory, configure: b => b.Configuration[setting] = "too-short",
                cancellationToken: TestContext.Current.CancellationToken));

            Assert.Contains("MEMOS_ADMIN_KEY", error.Message, StringComparison.Ordinal);
            Assert.Contains("24 characters", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
