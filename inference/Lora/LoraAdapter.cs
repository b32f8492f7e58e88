namespace MemOS.Inference.Lora;

/// <summary>A LoRA adapter (parameter memory): low-rank updates of some weight matrices of one exact base model, with
/// the metadata that says what it was made for and from.</summary>
/// <remarks>At run time llama.cpp computes, for each target <c>W</c>, <c>y = W·x + s·B·(A·x)</c> with
/// <c>s = scale · <see cref="Alpha"/> / <see cref="Rank"/></c> (Hu et al., "LoRA: Low-Rank Adaptation of Large Language
/// Models", 2021); <see cref="LoraMerge"/> writes <c>W' = W + s·B·A</c> instead. Shapes are those of
/// <see cref="LoraTarget"/>.</remarks>
public sealed class LoraAdapter
{
    /// <summary>Creates an adapter.</summary>
    /// <param name="architecture">The base model's <c>general.architecture</c>, for example <c>llama</c> (llama.cpp
    /// refuses an adapter of another architecture).</param>
    /// <param name="baseModelSha256">The SHA-256 of the base model file, 64 hex digits (stored lower-case).</param>
    /// <param name="rank">The rank <c>r</c> of every target, at least 1.</param>
    /// <param name="alpha">The LoRA alpha, positive and finite (the update is scaled by <c>alpha / rank</c>).</param>
    /// <param name="targets">The updated weights, at least one, with unique tensor names, each of rank <paramref name="rank"/>.</param>
    /// <param name="provenance">Optional JSON: what the adapter was made from (for example the plaintext memory ids).</param>
    /// <param name="training">Optional JSON: how it was trained (settings, measured effect).</param>
    /// <exception cref="ArgumentException">An argument is invalid (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> or <paramref name="alpha"/> is out of range.</exception>
    public LoraAdapter(string architecture, string baseModelSha256, int rank, float alpha, IReadOnlyList<LoraTarget> targets,
        string? provenance = null, string? training = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(architecture);
        ArgumentNullException.ThrowIfNull(baseModelSha256);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (!(alpha > 0 && float.IsFinite(alpha)))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha is a positive finite number.");
        }

        if (baseModelSha256.Length != 64 || !baseModelSha256.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("The base model SHA-256 is 64 hex digits.", nameof(baseModelSha256));
        }

        if (targets.Count == 0)
        {
            throw new ArgumentException("An adapter has at least one target.", nameof(targets));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            ArgumentNullException.ThrowIfNull(target, nameof(targets));
            if (target.Rank != rank)
            {
                throw new ArgumentException($"The target {target.TensorName} has rank {target.Rank}, not {rank}.", nameof(targets));
            }

            if (!names.Add(target.TensorName))
            {
                throw new ArgumentException($"The target {target.TensorName} appears twice.", nameof(targets));
            }
        }

        Architecture = architecture;
        BaseModelSha256 = baseModelSha256.ToLowerInvariant();
        Rank = rank;
        Alpha = alpha;
        Targets = targets.ToArray();
        Provenance = provenance;
        Training = training;
    }

    /// <summary>The base model's architecture (<c>general.architecture</c>).</summary>
    public string Architecture { get; }

    /// <summary>The lower-case hex SHA-256 of the base model file.</summary>
    public string BaseModelSha256 { get; }

    /// <summary>The rank <c>r</c>.</summary>
    public int Rank { get; }

    /// <summary>The LoRA alpha.</summary>
    public float Alpha { get; }

    /// <summary>The updated weights, in order.</summary>
    public IReadOnlyList<LoraTarget> Targets { get; }

    /// <summary>What the adapter was made from, as JSON; <see langword="null"/> when not recorded.</summary>
    public string? Provenance { get; }

    /// <summary>How the adapter was trained, as JSON; <see langword="null"/> when not recorded.</summary>
    public string? Training { get; }

    /// <summary>The factor the low-rank update is multiplied by at a given adapter scale: <c>scale · alpha / rank</c>.</summary>
    /// <param name="scale">The adapter scale (1 for the update as trained).</param>
    /// <returns>The factor.</returns>
    public float Factor(float scale) => scale * Alpha / Rank;
}
