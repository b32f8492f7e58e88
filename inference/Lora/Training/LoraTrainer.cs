using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MemOS.Inference.Llama;

namespace MemOS.Inference.Lora.Training;

/// <summary>Trains a LoRA adapter for a llama-architecture base model on plaintext (the migration of plaintext
/// memory into parameter memory), on the CPU, with the forward and backward passes of <see cref="LlamaTrainingModel"/>.</summary>
/// <remarks>
/// <para>Each target starts as in Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models" (2021): <c>A</c>
/// uniform in <c>±1/√in</c> (PyTorch's Kaiming-uniform default that PEFT uses), <c>B = 0</c>, so the adapter starts as
/// the identity update. Every step runs all texts (in parallel, one pass each), averages the next-token cross-entropy
/// over all predicted tokens, and moves every <c>A</c> and <c>B</c> by Adam (Kingma and Ba, 2015). The base weights
/// stay frozen.</para>
/// <para>The adapter's <see cref="LoraAdapter.Training"/> JSON records the settings (<c>rank</c>, <c>alpha</c>,
/// <c>targets</c>, <c>steps</c>, <c>learning_rate</c>, <c>seed</c>, <c>replay_weight</c>), the data size (<c>texts</c>,
/// <c>tokens</c>, <c>replay_texts</c>, <c>replay_tokens</c>), the mean loss in nats per token before and after
/// (<c>initial_loss</c>, <c>final_loss</c>), the final mean replay divergence (<c>final_replay_kl</c>) and the training
/// time in seconds (<c>train_s</c>).</para>
/// <para>With replay texts, each step's objective is <c>CE(memory) + λ·KL(p_base ‖ p_adapter)</c> over the replay
/// positions (<c>λ</c> = <see cref="LoraTrainingOptions.ReplayWeight"/>): self-distillation that keeps the adapter's
/// predictions on other text close to the base model's, against catastrophic forgetting.</para>
/// </remarks>
public static class LoraTrainer
{
    /// <summary>Trains an adapter on texts, tokenized with llama.cpp's tokenizer of the base model (BOS added).</summary>
    /// <param name="baseModelPath">The base model GGUF (llama architecture, F32 or F16 weights).</param>
    /// <param name="texts">The texts, at least one with two or more tokens.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Called after every step (on the training thread), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops training between steps.</param>
    /// <returns>The trained adapter, with the base model's SHA-256 and the training record.</returns>
    /// <exception cref="ArgumentException">A path is empty, no text has two tokens, or an option is invalid (the
    /// message names it).</exception>
    /// <exception cref="NotSupportedException">The model is not of the llama architecture, or is quantized.</exception>
    /// <exception cref="FormatException">The model is not a well-formed llama GGUF.</exception>
    /// <exception cref="LlamaException">The llama.cpp libraries are missing or could not load the model.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public static LoraAdapter Train(string baseModelPath, IReadOnlyList<string> texts, LoraTrainingOptions? options = null,
        Action<LoraTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseModelPath);
        ArgumentNullException.ThrowIfNull(texts);
        int[][] sequences;
        int[][] replay;
        using (var llama = LlamaModel.Load(baseModelPath))
        {
            sequences = texts.Select(text => llama.Tokenize(text ?? throw new ArgumentException("A text is null.", nameof(texts)))).ToArray();
            replay = (options?.ReplayTexts ?? []).Select(text => llama.Tokenize(text ?? throw new ArgumentException("A replay text is null.", nameof(options)))).ToArray();
        }

        return Train(baseModelPath, sequences, replay, options, progress, cancellationToken);
    }

    /// <summary>Trains an adapter on token sequences.</summary>
    /// <param name="baseModelPath">The base model GGUF (llama architecture, F32 or F16 weights).</param>
    /// <param name="sequences">Token sequences (each cut to <see cref="LoraTrainingOptions.MaxTokensPerText"/>); those
    /// with fewer than two tokens are skipped, and at least one must remain.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults (<see cref="LoraTrainingOptions.ReplayTexts"/>
    /// is not used: pass replay tokens to the other overload).</param>
    /// <param name="progress">Called after every step (on the training thread), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops training between steps.</param>
    /// <returns>The trained adapter.</returns>
    /// <exception cref="ArgumentException">A path is empty, no sequence has two tokens, a token is outside the
    /// vocabulary, or an option is invalid (the message names it).</exception>
    /// <exception cref="NotSupportedException">The model is not of the llama architecture, or is quantized.</exception>
    /// <exception cref="FormatException">The model is not a well-formed llama GGUF.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public static LoraAdapter Train(string baseModelPath, IReadOnlyList<int[]> sequences, LoraTrainingOptions? options = null,
        Action<LoraTrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Train(baseModelPath, sequences, [], options, progress, cancellationToken);

    /// <summary>Trains an adapter on token sequences, kept close to the base model on replay sequences.</summary>
    /// <param name="baseModelPath">The base model GGUF (llama architecture, F32 or F16 weights).</param>
    /// <param name="sequences">Token sequences (each cut to <see cref="LoraTrainingOptions.MaxTokensPerText"/>); those
    /// with fewer than two tokens are skipped, and at least one must remain.</param>
    /// <param name="replaySequences">Token sequences over whose every position training adds
    /// <see cref="LoraTrainingOptions.ReplayWeight"/> × the mean <c>KL(p_base ‖ p_adapter)</c>; may be empty.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Called after every step (on the training thread), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops training between steps.</param>
    /// <returns>The trained adapter.</returns>
    /// <exception cref="ArgumentException">A path is empty, no sequence has two tokens, a token is outside the
    /// vocabulary, or an option is invalid (the message names it).</exception>
    /// <exception cref="NotSupportedException">The model is not of the llama architecture, or is quantized.</exception>
    /// <exception cref="FormatException">The model is not a well-formed llama GGUF.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public static LoraAdapter Train(string baseModelPath, IReadOnlyList<int[]> sequences, IReadOnlyList<int[]> replaySequences,
        LoraTrainingOptions? options = null, Action<LoraTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseModelPath);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(replaySequences);
        options ??= new LoraTrainingOptions();
        Validate(options);
        var data = Cut(sequences.Where(s => s is { Length: >= 2 }), options);
        if (data.Length == 0)
        {
            throw new ArgumentException("No sequence has the two tokens a next-token loss needs.", nameof(sequences));
        }

        var replay = Cut(replaySequences.Where(s => s is { Length: >= 1 }), options);
        var model = LlamaTrainingModel.Load(baseModelPath);
        CheckTokens(model, data, nameof(sequences));
        CheckTokens(model, replay, nameof(replaySequences));
        var sha256 = LoraMerge.Sha256(baseModelPath);
        var started = Stopwatch.GetTimestamp();
        var baseDistributions = replay.AsParallel().AsOrdered().Select(r =>
        {
            var pass = new LlamaTrainingModel.Pass(model, r, null);
            pass.Forward();
            return pass.Probabilities();
        }).ToArray();
        var slots = InitialSlots(model, options);
        var parameters = slots.SelectMany(s => new[] { s.A, s.B }).ToArray();
        var adam = new AdamOptimizer(parameters, options.LearningRate);
        var batch = new Batch(data, data.Sum(s => s.Length - 1), replay, baseDistributions, replay.Sum(s => s.Length), options.ReplayWeight);
        double? initialLoss = null;
        for (var step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (loss, divergence, gradients) = LossAndGradients(model, batch, slots);
            initialLoss ??= loss;
            adam.Step(gradients);
            progress?.Invoke(new LoraTrainingProgress(step, options.Steps, loss, Stopwatch.GetElapsedTime(started), divergence));
        }

        var table = Table(model, slots);
        var finalLoss = Evaluate(model, data, table, batch.Predicted);
        var finalDivergence = replay.Length == 0 ? 0 : Enumerable.Range(0, replay.Length).AsParallel().Sum(i =>
        {
            var pass = new LlamaTrainingModel.Pass(model, replay[i], table);
            pass.Forward();
            return pass.Divergence(baseDistributions[i], 0).Divergence;
        }) / batch.ReplayPositions;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var targets = slots.Select(s => new LoraTarget(s.TensorName, s.Input, s.Output, s.Rank,
            Array.ConvertAll(s.A, v => (float)v), Array.ConvertAll(s.B, v => (float)v))).ToArray();
        var training = TrainingJson(options, data.Length, data.Sum(s => s.Length), replay.Length, replay.Sum(s => s.Length),
            initialLoss ?? finalLoss, finalLoss, finalDivergence, seconds);
        return new LoraAdapter(model.Architecture, sha256, options.Rank, options.Alpha, targets, options.Provenance, training);
    }

    /// <summary>The mean next-token cross-entropy (nats per predicted token) of token sequences under the base model,
    /// optionally with an adapter, computed by <see cref="LlamaTrainingModel"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="sequences">Token sequences, at least one with two or more tokens.</param>
    /// <param name="adapter">An adapter, or <see langword="null"/> for the base model.</param>
    /// <param name="scale">The adapter scale. Default 1.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentException">No sequence has two tokens, a token is out of range, or the adapter's
    /// targets are not projections of the model.</exception>
    public static double MeanLoss(LlamaTrainingModel model, IReadOnlyList<int[]> sequences, LoraAdapter? adapter = null, float scale = 1f)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        var data = sequences.Where(s => s is { Length: >= 2 }).ToArray();
        if (data.Length == 0)
        {
            throw new ArgumentException("No sequence has the two tokens a next-token loss needs.", nameof(sequences));
        }

        CheckTokens(model, data, nameof(sequences));
        var slots = adapter is null ? model.EmptySlots() : model.Slots(adapter, scale);
        return Evaluate(model, data, slots, data.Sum(s => s.Length - 1));
    }

    private static void CheckTokens(LlamaTrainingModel model, int[][] data, string parameter)
    {
        foreach (var token in data.SelectMany(s => s))
        {
            if ((uint)token >= (uint)model.VocabularySize)
            {
                throw new ArgumentException($"Token {token} is outside the vocabulary [0, {model.VocabularySize}).", parameter);
            }
        }
    }

    private static void Validate(LoraTrainingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Rank, 1, nameof(options.Rank));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Steps, 1, nameof(options.Steps));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTokensPerText, 2, nameof(options.MaxTokensPerText));
        if (!(options.Alpha > 0 && float.IsFinite(options.Alpha)))
        {
            throw new ArgumentOutOfRangeException(nameof(options.Alpha), options.Alpha, "Alpha is a positive finite number.");
        }

        if (!(options.ReplayWeight >= 0 && double.IsFinite(options.ReplayWeight)))
        {
            throw new ArgumentOutOfRangeException(nameof(options.ReplayWeight), options.ReplayWeight, "The replay weight is a finite number, 0 or more.");
        }

        if (options.ReplayTexts is null)
        {
            throw new ArgumentException($"{nameof(options.ReplayTexts)} is not null.", nameof(options));
        }

        if (!(options.LearningRate > 0 && double.IsFinite(options.LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(options.LearningRate), options.LearningRate, "The learning rate is a positive finite number.");
        }

        if (options.Targets is not { Count: > 0 } targets || targets.Distinct().Count() != targets.Count
            || targets.Any(t => !LlamaTrainingModel.ProjectionKinds.Contains(t)))
        {
            throw new ArgumentException(
                $"{nameof(options.Targets)} lists distinct projection kinds, at least one, of {string.Join(", ", LlamaTrainingModel.ProjectionKinds)}.",
                nameof(options));
        }
    }

    private static LoraSlot[] InitialSlots(LlamaTrainingModel model, LoraTrainingOptions options)
    {
        var random = new Random(options.Seed);
        var slots = new List<LoraSlot>();
        var factor = (double)options.Alpha / options.Rank;
        for (var l = 0; l < model.LayerCount; l++)
        {
            foreach (var kind in options.Targets)
            {
                var name = $"blk.{l}.{kind}.weight";
                var (input, output) = model.ProjectionShape(name);
                var bound = 1 / Math.Sqrt(input);
                var a = new double[options.Rank * input];
                for (var i = 0; i < a.Length; i++)
                {
                    a[i] = ((2 * random.NextDouble()) - 1) * bound;
                }

                slots.Add(new LoraSlot(name, input, output, options.Rank, factor, a, new double[output * options.Rank]));
            }
        }

        return slots.ToArray();
    }

    private static LoraSlot?[][] Table(LlamaTrainingModel model, LoraSlot[] slots)
    {
        var table = model.EmptySlots();
        foreach (var slot in slots)
        {
            var (layer, projection) = model.ParseTarget(slot.TensorName);
            table[layer][projection] = slot;
        }

        return table;
    }

    private static int[][] Cut(IEnumerable<int[]> sequences, LoraTrainingOptions options) =>
        sequences.Select(s => s.Length > options.MaxTokensPerText ? s[..options.MaxTokensPerText] : s).ToArray();

    // The memory texts (cross-entropy over their predicted tokens) and the replay texts with the base model's
    // distributions (KL over their positions).
    private sealed record Batch(int[][] Data, int Predicted, int[][] Replay, double[][] BaseDistributions, int ReplayPositions, double ReplayWeight);

    private static (double Loss, double Divergence, double[][] Gradients) LossAndGradients(LlamaTrainingModel model, Batch batch, LoraSlot[] slots)
    {
        var table = Table(model, slots);
        var count = batch.Data.Length + batch.Replay.Length;
        var passes = new LlamaTrainingModel.Pass[count];
        var values = new double[count];
        Parallel.For(0, count, i =>
        {
            var memory = i < batch.Data.Length;
            var pass = passes[i] = new LlamaTrainingModel.Pass(model, memory ? batch.Data[i] : batch.Replay[i - batch.Data.Length], table);
            pass.Forward();
            var (value, gradient) = memory
                ? pass.CrossEntropy(1.0 / batch.Predicted)
                : pass.Divergence(batch.BaseDistributions[i - batch.Data.Length], batch.ReplayWeight / batch.ReplayPositions);
            values[i] = value;
            pass.Backward(gradient);
        });

        // Sum the passes' gradients in the order of the optimizer's parameters: A then B of each slot.
        var gradients = new double[slots.Length * 2][];
        for (var k = 0; k < slots.Length; k++)
        {
            var (l, p) = model.ParseTarget(slots[k].TensorName);
            var gradA = gradients[2 * k] = new double[slots[k].A.Length];
            var gradB = gradients[(2 * k) + 1] = new double[slots[k].B.Length];
            foreach (var pass in passes)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(gradA, pass.GradA[l][p], gradA);
                System.Numerics.Tensors.TensorPrimitives.Add(gradB, pass.GradB[l][p], gradB);
            }
        }

        var loss = values.Take(batch.Data.Length).Sum() / batch.Predicted;
        var divergence = batch.Replay.Length == 0 ? 0 : values.Skip(batch.Data.Length).Sum() / batch.ReplayPositions;
        return (loss, divergence, gradients);
    }

    private static double Evaluate(LlamaTrainingModel model, int[][] data, LoraSlot?[][] table, int predicted)
    {
        var losses = new double[data.Length];
        Parallel.For(0, data.Length, i =>
        {
            var pass = new LlamaTrainingModel.Pass(model, data[i], table);
            pass.Forward();
            losses[i] = pass.CrossEntropy(0).Loss;
        });

        return losses.Sum() / predicted;
    }

    private static string TrainingJson(LoraTrainingOptions options, int texts, int tokens, int replayTexts, int replayTokens,
        double initialLoss, double finalLoss, double finalDivergence, double seconds)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("method", "memos-lora-cpu");
            json.WriteNumber("rank", options.Rank);
            json.WriteNumber("alpha", options.Alpha);
            json.WriteStartArray("targets");
            foreach (var target in options.Targets)
            {
                json.WriteStringValue(target);
            }

            json.WriteEndArray();
            json.WriteNumber("steps", options.Steps);
            json.WriteNumber("learning_rate", options.LearningRate);
            json.WriteNumber("seed", options.Seed);
            json.WriteNumber("texts", texts);
            json.WriteNumber("tokens", tokens);
            json.WriteNumber("replay_texts", replayTexts);
            json.WriteNumber("replay_tokens", replayTokens);
            json.WriteNumber("replay_weight", options.ReplayWeight);
            json.WriteNumber("initial_loss", Math.Round(initialLoss, 6));
            json.WriteNumber("final_loss", Math.Round(finalLoss, 6));
            json.WriteNumber("final_replay_kl", Math.Round(finalDivergence, 6));
            json.WriteNumber("train_s", Math.Round(seconds, 3));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
