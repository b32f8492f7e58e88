using System.Security.Cryptography;
using System.Text;
using MemOS.Grains.Interfaces.Activation;

namespace MemOS.Grains.Activation;

/// <summary>Names activation MemCubes after what they cache: the model, the prompt template and the block's memories at
/// their versions. The same block under the same model and template always gets the same id; a new version of any of
/// its memories makes another block, hence another id.</summary>
public static class ActivationIds
{
    /// <summary>The prefix of every activation id.</summary>
    public const string Prefix = "act-";

    /// <summary>The id of a block's activation: <c>act-</c> and the first 40 hex digits of the SHA-256 of
    /// <c>memos-activation/1</c>, the model hash, the template and each <c>id@version</c>, each followed by a zero
    /// byte.</summary>
    /// <param name="modelSha256">The model file's SHA-256.</param>
    /// <param name="template">The prompt template's name.</param>
    /// <param name="sources">The block's memories, in block order.</param>
    /// <returns>The id (44 characters, a valid cube id).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static string For(string modelSha256, string template, IReadOnlyList<MemorySource> sources)
    {
        ArgumentNullException.ThrowIfNull(modelSha256);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(sources);
        var text = new StringBuilder("memos-activation/1\0").Append(modelSha256).Append('\0').Append(template).Append('\0');
        foreach (var source in sources)
        {
            text.Append(source.Id).Append('@').Append(source.Version).Append('\0');
        }

        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..40];
    }
}
