namespace MemOS.Inference.Generation;

/// <summary>How a prompt is assembled from a memory block and a question: the block part (the prefix whose KV cache
/// an activation MemCube holds) and the question part (decoded after it). The <see cref="Name"/> is part of every KV
/// cache key, so changing a template's text means giving it a new name (a new version).</summary>
/// <remarks>The two parts are tokenized separately (the block with the model's BOS, the question without) and their
/// tokens concatenated, so that a prompt prefilled whole and a prompt whose block is restored from a KV cache decode
/// exactly the same tokens.</remarks>
public sealed class PromptTemplate
{
    private readonly string _blockPrefix;
    private readonly string _blockSuffix;
    private readonly string _questionPrefix;
    private readonly string _questionSuffix;

    private PromptTemplate(
        string name, string blockPrefix, string blockSuffix, string questionPrefix, string questionSuffix, bool parseSpecial)
    {
        Name = name;
        _blockPrefix = blockPrefix;
        _blockSuffix = blockSuffix;
        _questionPrefix = questionPrefix;
        _questionSuffix = questionSuffix;
        ParseSpecial = parseSpecial;
    }

    /// <summary>The default: plain text for any base model. Block <c>Memories:\n{context}\n\n</c>, question
    /// <c>Question: {message}\nAnswer:</c>.</summary>
    public static PromptTemplate Plain { get; } = new("memos-plain/v1", "Memories:\n", "\n\n", "Question: ", "\nAnswer:", parseSpecial: false);

    /// <summary>ChatML, for instruction-tuned models that use it (Qwen, many others): the memories as the system turn,
    /// the message as the user turn, then the assistant's turn opened.</summary>
    public static PromptTemplate ChatMl { get; } = new(
        "chatml/v1",
        "<|im_start|>system\nAnswer the user. What you remember about them:\n",
        "<|im_end|>\n",
        "<|im_start|>user\n",
        "<|im_end|>\n<|im_start|>assistant\n",
        parseSpecial: true);

    /// <summary>The built-in templates.</summary>
    public static IReadOnlyList<PromptTemplate> BuiltIn { get; } = [Plain, ChatMl];

    /// <summary>The template's name and version (for example <c>memos-plain/v1</c>), recorded in KV cache keys and on
    /// activation MemCubes.</summary>
    public string Name { get; }

    /// <summary>Whether special tokens written in the template (such as <c>&lt;|im_start|&gt;</c>) are parsed as such.</summary>
    public bool ParseSpecial { get; }

    /// <summary>Finds a built-in template by name (ordinal, case-insensitive).</summary>
    /// <param name="name">The name, for example <c>memos-plain/v1</c>.</param>
    /// <returns>The template, or <see langword="null"/> when there is none of that name.</returns>
    public static PromptTemplate? Find(string? name)
        => BuiltIn.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The block part of a prompt.</summary>
    /// <param name="memoryContext">The rendered memories (non-empty).</param>
    /// <returns>The text to tokenize with the model's BOS.</returns>
    /// <exception cref="ArgumentException"><paramref name="memoryContext"/> is null or empty.</exception>
    public string RenderBlock(string memoryContext)
    {
        ArgumentException.ThrowIfNullOrEmpty(memoryContext);
        return _blockPrefix + memoryContext + _blockSuffix;
    }

    /// <summary>The question part of a prompt.</summary>
    /// <param name="question">The user's message.</param>
    /// <returns>The text to tokenize after the block (without BOS), or alone (with BOS) when there is no block.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="question"/> is null.</exception>
    public string RenderQuestion(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return _questionPrefix + question + _questionSuffix;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
