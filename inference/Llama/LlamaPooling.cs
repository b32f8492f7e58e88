namespace MemOS.Inference.Llama;

/// <summary>How a context pools the per-token hidden states of a sequence into one vector; the values are those of
/// llama.cpp's <c>enum llama_pooling_type</c>.</summary>
public enum LlamaPooling
{
    /// <summary>The pooling the GGUF file names (<c>&lt;arch&gt;.pooling_type</c>); llama.cpp uses
    /// <see cref="None"/> when it names none.</summary>
    ModelDefault = -1,

    /// <summary>No pooling: one output row per token marked for output (logits and token embeddings).</summary>
    None = 0,

    /// <summary>The mean of the hidden states of all tokens of the sequence.</summary>
    Mean = 1,

    /// <summary>The hidden state of the first token (BERT's [CLS]), through the model's classifier head if it has one.</summary>
    Cls = 2,

    /// <summary>The hidden state of the last token (for causal embedding models such as Qwen3-Embedding).</summary>
    Last = 3,

    /// <summary>A reranker's relevance score(s) per sequence, not an embedding.</summary>
    Rank = 4,
}
