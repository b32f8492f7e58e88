using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemOS.Inference.Llama;
using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Tests.Llama;

/// <summary>The blittable structs match llama.h of llama.cpp v0.5.0 (node-llama-cpp 3.22.1) byte for byte.</summary>
/// <remarks>The sizes and offsets below were measured by compiling a C program with gcc (x86-64) against that header
/// (<c>sizeof</c>, <c>offsetof</c>); the defaults are those of <c>llama_model_default_params()</c> and
/// <c>llama_context_default_params()</c> in its sources. A field missing, added or mistyped shifts what follows, and
/// the native defaults then come back in the wrong fields.</remarks>
public sealed class LlamaNativeLayoutTests
{
    private const int ModelParamsSize = 80;
    private const int ContextParamsSize = 160;
    private const int BatchSize = 56;

    [Fact]
    public void StructSizes_MatchTheHeader()
    {
        Assert.Equal(ModelParamsSize, Unsafe.SizeOf<LlamaModelParams>());
        Assert.Equal(ModelParamsSize, Marshal.SizeOf<LlamaModelParams>());
        Assert.Equal(ContextParamsSize, Unsafe.SizeOf<LlamaContextParams>());
        Assert.Equal(ContextParamsSize, Marshal.SizeOf<LlamaContextParams>());
        Assert.Equal(BatchSize, Unsafe.SizeOf<LlamaNativeBatch>());
        Assert.Equal(BatchSize, Marshal.SizeOf<LlamaNativeBatch>());
        Assert.Equal(1, Unsafe.SizeOf<LlamaSamplerChainParams>());
    }

    [Fact]
    public void SamplerChainDefaultParams_ComeBackWithTheLibrarysDefaults()
    {
        LlamaTestAssets.RequireLibraries();
        LlamaLibrary.Initialize();
        Assert.Equal(1, LlamaNative.llama_sampler_chain_default_params().NoPerf);
    }

    [Theory]
    [InlineData(nameof(LlamaModelParams.GpuLayers), 16)]
    [InlineData(nameof(LlamaModelParams.MainGpu), 32)]
    [InlineData(nameof(LlamaModelParams.TensorSplit), 40)]
    [InlineData(nameof(LlamaModelParams.KvOverrides), 64)]
    [InlineData(nameof(LlamaModelParams.VocabOnly), 72)]
    [InlineData(nameof(LlamaModelParams.LoadMtp), 77)]
    public void ModelParamsOffsets_MatchTheHeader(string field, int offset) =>
        Assert.Equal(offset, (int)Marshal.OffsetOf<LlamaModelParams>(field));

    [Theory]
    [InlineData(nameof(LlamaContextParams.MaxSequences), 12)]
    [InlineData(nameof(LlamaContextParams.BatchThreads), 32)]
    [InlineData(nameof(LlamaContextParams.PoolingType), 44)]
    [InlineData(nameof(LlamaContextParams.FlashAttentionType), 52)]
    [InlineData(nameof(LlamaContextParams.DefragmentThreshold), 84)]
    [InlineData(nameof(LlamaContextParams.EvalCallback), 88)]
    [InlineData(nameof(LlamaContextParams.KeyCacheType), 104)]
    [InlineData(nameof(LlamaContextParams.AbortCallback), 112)]
    [InlineData(nameof(LlamaContextParams.Embeddings), 128)]
    [InlineData(nameof(LlamaContextParams.KvUnified), 133)]
    [InlineData(nameof(LlamaContextParams.Samplers), 136)]
    [InlineData(nameof(LlamaContextParams.OtherContext), 152)]
    public void ContextParamsOffsets_MatchTheHeader(string field, int offset) =>
        Assert.Equal(offset, (int)Marshal.OffsetOf<LlamaContextParams>(field));

    [Theory]
    [InlineData(nameof(LlamaNativeBatch.Token), 8)]
    [InlineData(nameof(LlamaNativeBatch.SequenceId), 40)]
    [InlineData(nameof(LlamaNativeBatch.Output), 48)]
    public void BatchOffsets_MatchTheHeader(string field, int offset) =>
        Assert.Equal(offset, (int)Marshal.OffsetOf<LlamaNativeBatch>(field));

    [Fact]
    public void ModelDefaultParams_ComeBackWithTheLibrarysDefaults()
    {
        LlamaTestAssets.RequireLibraries();
        LlamaLibrary.Initialize();
        var p = LlamaNative.llama_model_default_params();
        Assert.Equal((nint.Zero, nint.Zero), (p.Devices, p.TensorBufferTypeOverrides));
        Assert.Equal(-1, p.GpuLayers);
        Assert.Equal(1, p.SplitMode); // LLAMA_SPLIT_MODE_LAYER
        Assert.Equal(-1, p.LoadMode); // LLAMA_LOAD_MODE_AUTO
        Assert.Equal(1, p.LazyMode); // LLAMA_LAZY_MODE_AUTO
        Assert.Equal(0, p.MainGpu);
        Assert.Equal((nint.Zero, nint.Zero, nint.Zero, nint.Zero), (p.TensorSplit, p.ProgressCallback, p.ProgressCallbackUserData, p.KvOverrides));
        Assert.Equal(new byte[] { 0, 0, 1, 0, 0, 0 }, new[] { p.VocabOnly, p.CheckTensors, p.UseExtraBufferTypes, p.NoHost, p.NoAlloc, p.LoadMtp });
    }

    [Fact]
    public void ContextDefaultParams_ComeBackWithTheLibrarysDefaults()
    {
        LlamaTestAssets.RequireLibraries();
        LlamaLibrary.Initialize();
        var p = LlamaNative.llama_context_default_params();
        Assert.Equal(
            new uint[] { 512, 2048, 512, 1, 0, 0, 1 },
            new[] { p.ContextTokens, p.BatchTokens, p.MicroBatchTokens, p.MaxSequences, p.RecurrentSnapshots, p.MaxOutputs, p.MaxOutputsPerSequence });
        Assert.Equal((4, 4), (p.Threads, p.BatchThreads)); // GGML_DEFAULT_N_THREADS
        Assert.Equal(new[] { 0, -1, -1, -1, -1 }, new[] { p.ContextType, p.RopeScalingType, p.PoolingType, p.AttentionType, p.FlashAttentionType });
        Assert.Equal(
            new[] { 0f, 0f, -1f, -1f, -1f, -1f, -1f },
            new[] { p.RopeFrequencyBase, p.RopeFrequencyScale, p.YarnExtrapolationFactor, p.YarnAttentionFactor, p.YarnBetaFast, p.YarnBetaSlow, p.DefragmentThreshold });
        Assert.Equal(0u, p.YarnOriginalContext);
        Assert.Equal((1, 1), (p.KeyCacheType, p.ValueCacheType)); // GGML_TYPE_F16
        Assert.Equal(new byte[] { 0, 1, 1, 1, 1, 0 }, new[] { p.Embeddings, p.OffloadKqv, p.NoPerf, p.OpOffload, p.SwaFull, p.KvUnified });
        Assert.Equal(
            (nint.Zero, nint.Zero, nint.Zero, nint.Zero, nint.Zero, nint.Zero, (nuint)0),
            (p.EvalCallback, p.EvalCallbackUserData, p.AbortCallback, p.AbortCallbackData, p.Samplers, p.OtherContext, p.SamplerCount));
    }
}
