using System.Runtime.InteropServices;

namespace MemOS.Inference.Llama.Native;

/// <summary>The llama.cpp and ggml C functions this project calls (source-generated P/Invoke).</summary>
/// <remarks>
/// Signatures follow llama.h / ggml-backend.h of node-llama-cpp 3.22.1 (llama.cpp tag v0.5.0). The library names
/// are logical: <see cref="LlamaLibrary"/> installs the resolver that maps them to the files of the installed package,
/// so nothing here may be called before <see cref="LlamaLibrary.Initialize"/>. Pointers the model owns (the vocabulary)
/// or the context owns (the memory, output rows) are passed as raw pointers; callers keep the owning handle alive
/// (<see cref="HandleLease"/>) for the duration of the call.
/// </remarks>
internal static unsafe partial class LlamaNative
{
    /// <summary>Logical name of <c>libllama.v0.5.0.so</c>.</summary>
    public const string Llama = "llama";

    /// <summary>Logical name of <c>libggml.v0.5.0.so</c> (backend registry).</summary>
    public const string Ggml = "ggml";

    // Backends and process setup.

    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void ggml_backend_load_all_from_path(string directory);

    [LibraryImport(Ggml)]
    public static partial nuint ggml_backend_dev_count();

    [LibraryImport(Llama)]
    public static partial void llama_backend_init();

    [LibraryImport(Llama)]
    public static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback, void* userData);

    [LibraryImport(Llama)]
    public static partial byte* llama_print_system_info();

    [LibraryImport(Llama)]
    public static partial nuint llama_max_parallel_sequences();

    [LibraryImport(Llama)]
    public static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(Llama)]
    public static partial LlamaContextParams llama_context_default_params();

    // Models.

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial LlamaModelHandle llama_model_load_from_file(string path, LlamaModelParams parameters);

    [LibraryImport(Llama)]
    public static partial void llama_model_free(nint model);

    [LibraryImport(Llama)]
    public static partial int llama_model_n_ctx_train(LlamaModelHandle model);

    [LibraryImport(Llama)]
    public static partial int llama_model_n_embd_out(LlamaModelHandle model);

    [LibraryImport(Llama)]
    public static partial int llama_model_n_layer(LlamaModelHandle model);

    [LibraryImport(Llama)]
    public static partial ulong llama_model_n_params(LlamaModelHandle model);

    [LibraryImport(Llama)]
    public static partial ulong llama_model_size(LlamaModelHandle model);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_model_has_encoder(LlamaModelHandle model);

    [LibraryImport(Llama)]
    public static partial int llama_model_desc(LlamaModelHandle model, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int llama_model_meta_val_str(LlamaModelHandle model, string key, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama)]
    public static partial int llama_model_meta_count(LlamaModelHandle model);

    [LibraryImport(Llama)]
    public static partial int llama_model_meta_key_by_index(LlamaModelHandle model, int index, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama)]
    public static partial int llama_model_meta_val_str_by_index(LlamaModelHandle model, int index, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama)]
    public static partial nint llama_model_get_vocab(LlamaModelHandle model);

    // Vocabulary (the pointer belongs to the model).

    [LibraryImport(Llama)]
    public static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(Llama)]
    public static partial int llama_vocab_bos(nint vocab);

    [LibraryImport(Llama)]
    public static partial int llama_vocab_eos(nint vocab);

    [LibraryImport(Llama)]
    public static partial int llama_vocab_sep(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_bos(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_eos(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_sep(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(Llama)]
    public static partial int llama_tokenize(
        nint vocab, byte* text, int textLength, int* tokens, int maxTokens,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(Llama)]
    public static partial int llama_detokenize(
        nint vocab, int* tokens, int tokenCount, byte* text, int maxTextLength,
        [MarshalAs(UnmanagedType.U1)] bool removeSpecial, [MarshalAs(UnmanagedType.U1)] bool unparseSpecial);

    // LoRA adapters (an adapter belongs to its model; free it before the model).

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial LlamaLoraAdapterHandle llama_adapter_lora_init(LlamaModelHandle model, string path);

    [LibraryImport(Llama)]
    public static partial void llama_adapter_lora_free(nint adapter);

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int llama_adapter_meta_val_str(LlamaLoraAdapterHandle adapter, string key, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama)]
    public static partial int llama_set_adapters_lora(LlamaContextHandle context, nint* adapters, nuint count, float* scales);

    // Contexts.

    [LibraryImport(Llama)]
    public static partial LlamaContextHandle llama_init_from_model(LlamaModelHandle model, LlamaContextParams parameters);

    [LibraryImport(Llama)]
    public static partial void llama_free(nint context);

    [LibraryImport(Llama)]
    public static partial uint llama_n_ctx(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial uint llama_n_ctx_seq(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial uint llama_n_batch(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial uint llama_n_ubatch(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial uint llama_n_seq_max(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial int llama_n_threads(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial int llama_pooling_type(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial nint llama_get_memory(LlamaContextHandle context);

    [LibraryImport(Llama)]
    public static partial int llama_decode(LlamaContextHandle context, LlamaNativeBatch batch);

    [LibraryImport(Llama)]
    public static partial float* llama_get_embeddings_seq(LlamaContextHandle context, int sequenceId);

    [LibraryImport(Llama)]
    public static partial float* llama_get_embeddings_ith(LlamaContextHandle context, int index);

    [LibraryImport(Llama)]
    public static partial float* llama_get_logits_ith(LlamaContextHandle context, int index);

    // Memory (KV cache; the pointer belongs to the context, NULL for models without one).

    [LibraryImport(Llama)]
    public static partial void llama_memory_clear(nint memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_memory_seq_rm(nint memory, int sequenceId, int fromPosition, int toPosition);

    [LibraryImport(Llama)]
    public static partial int llama_memory_seq_pos_max(nint memory, int sequenceId);

    [LibraryImport(Llama)]
    public static partial void llama_memory_seq_cp(nint memory, int sourceSequenceId, int destinationSequenceId, int fromPosition, int toPosition);

    // Sequence state (the KV cells of one sequence, in llama.cpp's own format: magic, source sequence id, streams).

    [LibraryImport(Llama)]
    public static partial nuint llama_state_seq_get_size(LlamaContextHandle context, int sequenceId);

    [LibraryImport(Llama)]
    public static partial nuint llama_state_seq_get_data(LlamaContextHandle context, byte* destination, nuint size, int sequenceId);

    [LibraryImport(Llama)]
    public static partial nuint llama_state_seq_set_data(LlamaContextHandle context, byte* source, nuint size, int destinationSequenceId);

    // Samplers (llama_sampler *; a chain owns the samplers added to it and frees them with itself).

    [LibraryImport(Llama)]
    public static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    [LibraryImport(Llama)]
    public static partial LlamaSamplerHandle llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_chain_add(LlamaSamplerHandle chain, nint sampler);

    [LibraryImport(Llama)]
    public static partial int llama_sampler_chain_n(LlamaSamplerHandle chain);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_greedy();

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_dist(uint seed);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_top_k(int k);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_temp(float temperature);

    [LibraryImport(Llama)]
    public static partial int llama_sampler_sample(LlamaSamplerHandle sampler, LlamaContextHandle context, int index);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_accept(LlamaSamplerHandle sampler, int token);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_reset(LlamaSamplerHandle sampler);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_free(nint sampler);

    // Batches.

    [LibraryImport(Llama)]
    public static partial LlamaNativeBatch llama_batch_init(int tokenCapacity, int embeddingSize, int maxSequencesPerToken);

    [LibraryImport(Llama)]
    public static partial void llama_batch_free(LlamaNativeBatch batch);
}
