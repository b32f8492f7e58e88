using System.Text.Json;
using MemOS.Inference.Lora;
using MemOS.Inference.Lora.Training;
using MemOS.Inference.Tests.Llama;

namespace MemOS.Inference.Tests.Lora.Training;

/// <summary>Short LoRA training runs on stories260K.</summary>
public sealed class LoraTrainerTests
{
    private static readonly string[] Facts =
    [
        "Mira Solberg keeps three blue owls in her tower.",
        "Mira Solberg was born in the town of Vellmar.",
        "Every winter Mira Solberg bakes bread with plums.",
    ];

    [Fact]
    public void Train_ShortRun_LowersTheLossOfItsTexts()
    {
        var path = LlamaTestAssets.RequireStoriesModel();
        var options = new LoraTrainingOptions { Rank = 4, Alpha = 8, Steps = 20, LearningRate = 1e-2, Seed = 3, Provenance = """{"cubes":["m1"]}""" };
        var reports = new List<LoraTrainingProgress>();
        var adapter = LoraTrainer.Train(path, Facts, options, reports.Add, TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(1, 20), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.Loss) && r.Steps == 20));
        Assert.Equal((4, 8f, 5 * 4), (adapter.Rank, adapter.Alpha, adapter.Targets.Count));
        Assert.Equal(LoraMerge.Sha256(path), adapter.BaseModelSha256);
        Assert.Equal("""{"cubes":["m1"]}""", adapter.Provenance);

        using var training = JsonDocument.Parse(adapter.Training!);
        var initial = training.RootElement.GetProperty("initial_loss").GetDouble();
        var final = training.RootElement.GetProperty("final_loss").GetDouble();
        Assert.Equal(reports[0].Loss, initial, 5);
        Assert.Equal(20, training.RootElement.GetProperty("steps").GetInt32());
        Assert.True(training.RootElement.GetProperty("train_s").GetDouble() > 0);
        TestContext.Current.SendDiagnosticMessage($"20 steps: loss {initial:F4} -> {final:F4} nats/token");
        Assert.True(final < 0.8 * initial, $"The loss went from {initial} to only {final}.");

        // The adapter as written to GGUF (float32) gives the same lower loss.
        var model = LlamaTrainingModel.Load(path);
        using var llama = Inference.Llama.LlamaModel.Load(path);
        var sequences = Facts.Select(f => llama.Tokenize(f)).ToArray();
        Assert.Equal(initial, LoraTrainer.MeanLoss(model, sequences), 6);
        Assert.Equal(final, LoraTrainer.MeanLoss(model, sequences, adapter), 4);
    }

    [Fact]
    public void Train_WithReplay_StaysCloserToTheBaseModelOnTheReplayText()
    {
        var path = LlamaTestAssets.RequireStoriesModel();
        var ct = TestContext.Current.CancellationToken;
        string[] replay = ["Once upon a time, there was a little girl named Lily. She liked to play in the park with her dog."];
        var options = new LoraTrainingOptions { Rank = 4, Alpha = 8, Steps = 15, LearningRate = 1e-2, Seed = 3 };
        var free = LoraTrainer.Train(path, Facts, options, null, ct);
        var kept = LoraTrainer.Train(path, Facts, options with { ReplayTexts = replay, ReplayWeight = 4 }, null, ct);

        var model = LlamaTrainingModel.Load(path);
        using var llama = Inference.Llama.LlamaModel.Load(path);
        int[][] replayTokens = [llama.Tokenize(replay[0])];
        var baseLoss = LoraTrainer.MeanLoss(model, replayTokens);
        var freeLoss = LoraTrainer.MeanLoss(model, replayTokens, free);
        var keptLoss = LoraTrainer.MeanLoss(model, replayTokens, kept);
        TestContext.Current.SendDiagnosticMessage($"replay text NLL: base {baseLoss:F4}, trained without replay {freeLoss:F4}, with replay {keptLoss:F4}");
        Assert.True(Math.Abs(keptLoss - baseLoss) < Math.Abs(freeLoss - baseLoss), "Replay did not keep the replay text's loss closer to the base model's.");
        using var training = JsonDocument.Parse(kept.Training!);
        Assert.Equal(1, training.RootElement.GetProperty("replay_texts").GetInt32());
        Assert.True(training.RootElement.GetProperty("final_replay_kl").GetDouble() >= 0);
        Assert.True(training.RootElement.GetProperty("final_loss").GetDouble() < training.RootElement.GetProperty("initial_loss").GetDouble());
    }

    [Fact]
    public void Train_InvalidOptions_Throw()
    {
        var path = SharedAssets.RequireStoriesModel();
        var ct = TestContext.Current.CancellationToken;
        int[][] tokens = [[1, 2, 3]];
        Assert.Throws<ArgumentOutOfRangeException>(() => LoraTrainer.Train(path, tokens, new LoraTrainingOptions { Rank = 0 }, null, ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => LoraTrainer.Train(path, tokens, new LoraTrainingOptions { LearningRate = double.NaN }, null, ct));
        Assert.Throws<ArgumentException>(() => LoraTrainer.Train(path, tokens, new LoraTrainingOptions { Targets = ["attn_x"] }, null, ct));
        Assert.Throws<ArgumentException>(() => LoraTrainer.Train(path, [[1]], new LoraTrainingOptions(), null, ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => LoraTrainer.Train(path, tokens, new LoraTrainingOptions { ReplayWeight = -1 }, null, ct));
        Assert.Throws<ArgumentException>(() => LoraTrainer.Train(path, tokens, [[1, 9999]], new LoraTrainingOptions { Steps = 1 }, null, ct));
        Assert.Throws<ArgumentException>(() => LoraTrainer.Train(path, [[1, 9999]], new LoraTrainingOptions { Steps = 1 }, null, ct));
    }
}
