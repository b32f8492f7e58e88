using System.Text;
using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

/// <summary>The vocabulary of a <see cref="LlamaModel"/>: tokenization and its inverse.</summary>
public sealed partial class LlamaModel
{
    /// <summary>The number of tokens in the vocabulary; valid token ids are 0 to <see cref="VocabularySize"/> - 1.</summary>
    public int VocabularySize { get; }

    /// <summary>The beginning-of-sequence token (BERT's [CLS]), or <see langword="null"/> when the model has none.</summary>
    public int? BosToken { get; }

    /// <summary>The end-of-sequence token, or <see langword="null"/> when the model has none.</summary>
    public int? EosToken { get; }

    /// <summary>The separator token (BERT's [SEP]), or <see langword="null"/> when the model has none.</summary>
    public int? SeparatorToken { get; }

    /// <summary>Whether <see cref="Tokenize"/> with <c>addSpecial</c> prepends <see cref="BosToken"/>.</summary>
    public bool AddsBos { get; }

    /// <summary>Whether <see cref="Tokenize"/> with <c>addSpecial</c> appends <see cref="EosToken"/>.</summary>
    public bool AddsEos { get; }

    /// <summary>Whether <see cref="Tokenize"/> with <c>addSpecial</c> appends <see cref="SeparatorToken"/>.</summary>
    public bool AddsSeparator { get; }

    /// <summary>Whether a token ends a generation (EOS, EOT and the like, as the vocabulary marks them).</summary>
    /// <param name="token">The token id.</param>
    /// <returns><see langword="true"/> for an end-of-generation token.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The token id is outside the vocabulary.</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public bool IsEndOfGeneration(int token)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(token, VocabularySize);
        using var lease = Lease();
        return LlamaNative.llama_vocab_is_eog(LlamaNative.llama_model_get_vocab(_handle), token);
    }

    /// <summary>Splits a text into the model's tokens.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecial">Add the BOS/EOS/SEP tokens the model asks for (<see cref="AddsBos"/>, ...).</param>
    /// <param name="parseSpecial">Recognize special tokens written in the text (such as <c>&lt;s&gt;</c>) instead of
    /// treating them as plain text.</param>
    /// <returns>The token ids (empty for a text with no tokens).</returns>
    /// <exception cref="LlamaException">The tokenizer failed.</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public unsafe int[] Tokenize(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = Encoding.UTF8.GetBytes(text);
        using var lease = Lease();
        var vocab = LlamaNative.llama_model_get_vocab(_handle);

        // A token covers at least one byte, plus BOS/EOS/SEP: the first guess is always enough in practice; the
        // retry covers tokenizers that insert more.
        var tokens = new int[utf8.Length + 4];
        for (var attempt = 0; ; attempt++)
        {
            int count;
            fixed (byte* textPointer = utf8)
            fixed (int* tokenPointer = tokens)
            {
                count = LlamaNative.llama_tokenize(vocab, textPointer, utf8.Length, tokenPointer, tokens.Length, addSpecial, parseSpecial);
            }

            if (count >= 0)
            {
                return count == tokens.Length ? tokens : tokens[..count];
            }

            if (count == int.MinValue || attempt > 0)
            {
                throw new LlamaException($"llama.cpp could not tokenize a text of {utf8.Length} bytes with {System.IO.Path.GetFileName(Path)}.");
            }

            tokens = new int[-count];
        }
    }

    /// <summary>Turns tokens back into text (the inverse of <see cref="Tokenize"/>).</summary>
    /// <param name="tokens">Token ids, each in [0, <see cref="VocabularySize"/>).</param>
    /// <param name="removeSpecial">Drop a leading BOS and trailing EOS when the model adds them.</param>
    /// <param name="unparseSpecial">Render special tokens as text (such as <c>&lt;s&gt;</c>) instead of omitting them.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    /// <exception cref="LlamaException">The detokenizer failed.</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public unsafe string Detokenize(ReadOnlySpan<int> tokens, bool removeSpecial = false, bool unparseSpecial = false)
    {
        // llama.cpp indexes its token table unchecked (a C++ exception or worse): check here.
        foreach (var token in tokens)
        {
            if ((uint)token >= (uint)VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token ids are in [0, {VocabularySize}).");
            }
        }

        using var lease = Lease();
        var vocab = LlamaNative.llama_model_get_vocab(_handle);
        var text = new byte[Math.Max(16, tokens.Length * 8)];
        for (var attempt = 0; ; attempt++)
        {
            int length;
            fixed (int* tokenPointer = tokens)
            fixed (byte* textPointer = text)
            {
                length = LlamaNative.llama_detokenize(vocab, tokenPointer, tokens.Length, textPointer, text.Length, removeSpecial, unparseSpecial);
            }

            if (length >= 0)
            {
                return Encoding.UTF8.GetString(text, 0, length);
            }

            if (length == int.MinValue || attempt > 0)
            {
                throw new LlamaException($"llama.cpp could not detokenize {tokens.Length} tokens with {System.IO.Path.GetFileName(Path)}.");
            }

            text = new byte[-length];
        }
    }

    private static (int Size, int? Bos, int? Eos, int? Separator, bool AddsBos, bool AddsEos, bool AddsSeparator) ReadVocabulary(
        LlamaModelHandle handle)
    {
        var vocab = LlamaNative.llama_model_get_vocab(handle);
        static int? Token(int id) => id < 0 ? null : id;
        return (
            LlamaNative.llama_vocab_n_tokens(vocab),
            Token(LlamaNative.llama_vocab_bos(vocab)),
            Token(LlamaNative.llama_vocab_eos(vocab)),
            Token(LlamaNative.llama_vocab_sep(vocab)),
            LlamaNative.llama_vocab_get_add_bos(vocab),
            LlamaNative.llama_vocab_get_add_eos(vocab),
            LlamaNative.llama_vocab_get_add_sep(vocab));
    }
}
