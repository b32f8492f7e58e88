using System.Diagnostics;
using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Telemetry;
using MemOS.Inference.Generation;
using MemOS.Inference.Llama;

namespace MemOS.Grains.Scheduling;

/// <content>Generation with memory: retrieval, the memory block, the form it takes (activation or plaintext), and the
/// generation itself on the silo's model.</content>
public sealed partial class MemSchedulerGrain
{
    /// <summary>The longest chat message, in characters.</summary>
    public const int MaxChatMessageLength = 4_096;

    /// <summary>The most candidates a chat's retrieval packs into its budget.</summary>
    private const int ChatCandidates = 200;

    private async Task<ChatResponse> ChatCoreAsync(ChatQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.Message) || query.Message.Length > MaxChatMessageLength)
        {
            throw new ArgumentException($"A chat message is 1-{MaxChatMessageLength} characters, not blank.", nameof(query));
        }

        if (query.TokenBudget is < 1 || query.MaxTokens is < 1 || !(query.Temperature >= 0 && float.IsFinite(query.Temperature)))
        {
            throw new ArgumentOutOfRangeException(nameof(query), "tokenBudget and maxTokens are at least 1; temperature is finite and at least 0.");
        }

        var model = _engine.Describe();
        var started = Stopwatch.GetTimestamp();
        using var activity = SchedulerMetrics.ActivitySource.StartActivity("memscheduler.chat");
        var maxTokens = query.MaxTokens ?? _options.ChatMaxTokens;
        var alone = _engine.PrepareQuestion(query.Message, afterBlock: false);
        if (alone.Length + maxTokens > model.ContextTokens)
        {
            throw new ArgumentException(
                $"The message ({alone.Length} tokens) and maxTokens ({maxTokens}) exceed the model's {model.ContextTokens}-token context.",
                nameof(query));
        }

        var selected = _memories.Count == 0
            ? []
            : (await SelectAsync(new MemorySearchQuery(query.Message, ChatCandidates, query.TokenBudget ?? _options.ChatTokenBudget), cancellationToken))
                .Select(r => r.Memory).ToList();

        // The budget counts ceil(chars/4); the model counts its own tokens. Leave out the lowest-ranked memories until
        // the block, the message and the answer fit the context.
        var afterBlock = _engine.PrepareQuestion(query.Message, afterBlock: true);
        MemoryBlock? block = null;
        MemoryBlockPrompt? prompt = null;
        while (selected.Count > 0)
        {
            block = BuildBlock(selected, model);
            prompt = _engine.PrepareBlock(block.Context);
            if (prompt.Tokens.Length + afterBlock.Length + maxTokens <= model.ContextTokens)
            {
                break;
            }

            selected.RemoveAt(selected.Count - 1);
            (block, prompt) = (null, null);
        }

        var now = TimeProvider.GetUtcNow();
        string? activationId = null;
        var restore = false;
        if (block is not null)
        {
            foreach (var member in block.Members)
            {
                CountAccess(member.Record.Id, now);
            }

            if (_activations.TryGetValue(block.Id, out var known))
            {
                activationId = known.Id;
                if (known.IsLive)
                {
                    var record = await ActivationCube(known.Id).UseAsync(block.Sources, cancellationToken);
                    Register(record);
                    restore = record.State == ActivationState.Ready;
                }
            }
        }

        var adapters = await ChatAdaptersAsync(model, cancellationToken);
        var retrieval = Stopwatch.GetElapsedTime(started);
        var result = await _engine.GenerateAsync(
            prompt, block is null ? alone : afterBlock, restore,
            new GenerationSettings
            {
                MaxTokens = maxTokens, Temperature = query.Temperature, Seed = query.Seed, Adapters = [.. adapters.Select(a => a.Adapter)],
            }, cancellationToken);
        if (restore && result.CacheMiss && activationId is not null)
        {
            if (await ActivationCube(activationId).MarkEvictedAsync(cancellationToken))
            {
                Decide(ActivationDecisions.Evicted);
                LogEvicted(_logger, activationId);
            }

            _activations[activationId].State = ActivationState.Evicted;
        }

        var form = block is null ? null : result.RestoredFromCache ? MemoryForms.Activation : MemoryForms.Plaintext;
        _inferenceMetrics.RecordTimeToFirstToken(
            result.TimeToFirstToken, result.RestoredFromCache ? InferenceMetrics.ActivationForm : InferenceMetrics.PlaintextForm);
        if (block is not null)
        {
            await NoteBlockUseAsync(block, prompt!, model, now, cancellationToken);
            activationId ??= _activations.ContainsKey(block.Id) ? block.Id : null;
        }

        await MaybeMigrateAsync(model, now, cancellationToken);

        activity?.SetTag("memos.memory_form", form ?? "none");
        return new ChatResponse(
            result.Text,
            result.Tokens,
            block?.Members.Select(m => new ChatMemory(m.Record.Id, m.Record.Version, form!, m.Rendered)).ToList() ?? [],
            form,
            activationId,
            result.PromptTokens,
            prompt?.Tokens.Length ?? 0,
            result.TimeToFirstToken.TotalMilliseconds,
            result.Elapsed.TotalMilliseconds,
            retrieval.TotalMilliseconds,
            StopReasonName(result.StopReason),
            model.Name,
            restore && result.CacheMiss,
            ToChatAdapters(adapters));
    }

    private static string StopReasonName(LlamaStopReason reason) => reason switch
    {
        LlamaStopReason.EndOfGeneration => "end_of_generation",
        LlamaStopReason.Stopped => "stopped",
        _ => "max_tokens",
    };
}
