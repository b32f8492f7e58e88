using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MemOS.Grains.Interfaces.Activation;

namespace MemOS.Grains.Parameters;

/// <summary>Names parameter MemCubes after what they are trained from: the base model, the memories at their versions
/// and the rank and steps. The same request always gets the same id; a new version of any memory makes another.</summary>
public static class ParameterIds
{
    /// <summary>The prefix of every parameter id.</summary>
    public const string Prefix = "par-";

    /// <summary>The id: <c>par-</c> and the first 40 hex digits of the SHA-256 of <c>memos-parameter/1</c>, the model hash,
    /// the rank, the steps and each <c>id@version</c>, each followed by a zero byte.</summary>
    /// <param name="modelSha256">The base model file's SHA-256.</param>
    /// <param name="rank">The LoRA rank.</param>
    /// <param name="steps">The optimizer steps.</param>
    /// <param name="sources">The memories, by cube id.</param>
    /// <returns>The id (44 characters, a valid cube id).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static string For(string modelSha256, int rank, int steps, IReadOnlyList<MemorySource> sources)
    {
        ArgumentNullException.ThrowIfNull(modelSha256);
        ArgumentNullException.ThrowIfNull(sources);
        var text = new StringBuilder("memos-parameter/1\0").Append(modelSha256).Append('\0')
            .Append(rank.ToString(CultureInfo.InvariantCulture)).Append('\0').Append(steps.ToString(CultureInfo.InvariantCulture)).Append('\0');
        foreach (var source in sources)
        {
            text.Append(source.Id).Append('@').Append(source.Version).Append('\0');
        }

        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..40];
    }
}
