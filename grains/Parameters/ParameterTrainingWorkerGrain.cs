using System.Text.Json;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Inference.Generation;
using MemOS.Inference.Lora;
using MemOS.Inference.Lora.Training;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemOS.Grains.Parameters;

/// <summary>The LoRA training worker of a silo (see <see cref="IParameterTrainingWorkerGrain"/>): trains queued jobs one
/// at a time with <see cref="LoraTrainer"/> on the silo's generation model file, writes each adapter with
/// <see cref="LoraAdapterFile"/> to <see cref="ParameterOptions.AdapterDirectory"/> as <c>{id}.gguf</c>, and reports
/// progress and the result to the parameter MemCube.</summary>
/// <remarks>A grain with <see cref="LocalPlacementAttribute"/> and one key, like the KV-precompute worker, so it trains on
/// the model of the silo whose chats will apply the adapter. Training takes seconds to minutes and every core, so it
/// runs on the thread pool, off the grain's turns: enqueueing stays instant, and the job reports to its cube from the
/// training thread (progress every tenth of the steps). When a job ends the worker calls itself to start the next; one
/// job at a time keeps the silo's cores for its chats too.</remarks>
[GrainType(GrainTypeName)]
[LocalPlacement]
public sealed partial class ParameterTrainingWorkerGrain : Grain, IParameterTrainingWorkerGrain
{
    /// <summary>The grain type name.</summary>
    public const string GrainTypeName = "parametertrainingworker";

    private readonly IGenerationEngine _engine;
    private readonly ParameterOptions _options;
    private readonly ILogger<ParameterTrainingWorkerGrain> _logger;
    private readonly Queue<ParameterTrainingRequest> _queue = new();
    private Task _current = Task.CompletedTask;
    private string? _currentKey;

    /// <summary>Creates the worker.</summary>
    /// <param name="engine">The silo's generation engine (its model file is trained on).</param>
    /// <param name="options">Where adapters are written.</param>
    /// <param name="logger">The logger.</param>
    public ParameterTrainingWorkerGrain(IGenerationEngine engine, IOptions<ParameterOptions> options, ILogger<ParameterTrainingWorkerGrain> logger)
    {
        _engine = engine;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task EnqueueAsync(ParameterTrainingRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null || string.IsNullOrEmpty(request.ParameterKey) || request.Texts is not { Count: > 0 } || request.Draft is null)
        {
            throw new ArgumentException("A training job names its parameter MemCube, its texts and its settings.", nameof(request));
        }

        // A scheduler that reactivates queues its pending and training cubes again: one may be queued or training here.
        var training = !_current.IsCompleted && _currentKey == request.ParameterKey;
        if (!training && !_queue.Any(r => r.ParameterKey == request.ParameterKey))
        {
            _queue.Enqueue(request);
        }

        Pump();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> PumpAsync(CancellationToken cancellationToken = default)
    {
        if (!_current.IsCompleted || !_queue.TryDequeue(out var job))
        {
            return Task.FromResult(false);
        }

        _currentKey = job.ParameterKey;
        var grains = GrainFactory;
        var engine = _engine;
        var directory = _options.AdapterDirectory;
        var logger = _logger;
        _current = Task.Run(() => TrainAsync(job, grains, engine, directory, logger), CancellationToken.None);
        var self = grains.GetGrain<IParameterTrainingWorkerGrain>(GetPrimaryKeyString());
        _current.ContinueWith(_ => self.PumpAsync(CancellationToken.None), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default).Unwrap().ContinueWith(
            t => LogPumpFailed(logger, t.Exception!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return Task.FromResult(true);
    }

    private void Pump()
    {
        var self = GrainFactory.GetGrain<IParameterTrainingWorkerGrain>(GetPrimaryKeyString());
        var logger = _logger;
        // Not awaited: the pump is this grain's next turn; awaiting it here would wait on ourselves.
        _ = self.PumpAsync(CancellationToken.None).ContinueWith(
            t => LogPumpFailed(logger, t.Exception!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Trains one job and reports to its cube (on the thread pool).</summary>
    private static async Task TrainAsync(
        ParameterTrainingRequest job, IGrainFactory grains, IGenerationEngine engine, string directory, ILogger logger)
    {
        var cube = grains.GetGrain<IParameterCubeGrain>(job.ParameterKey);
        var id = MemCubeKeys.CubeIdOf(job.ParameterKey);
        try
        {
            var model = engine.Describe();
            if (!string.Equals(model.Sha256, job.Draft.BaseModelSha256, StringComparison.Ordinal))
            {
                await cube.FailAsync(
                    $"the parameter MemCube is for base model {job.Draft.BaseModelSha256}, but this silo runs {model.Name} ({model.Sha256})");
                return;
            }

            Directory.CreateDirectory(directory);
            var path = Path.GetFullPath(Path.Combine(directory, id + ".gguf"));
            var every = Math.Max(1, job.Draft.Steps / 10);
            var reports = new List<Task>();
            LogTrainingStarted(logger, id, job.Texts.Count, job.Draft.Rank, job.Draft.Steps);
            var adapter = LoraTrainer.Train(model.Path, job.Texts, new LoraTrainingOptions
            {
                Rank = job.Draft.Rank,
                Alpha = job.Draft.Alpha,
                Targets = job.Draft.Targets,
                Steps = job.Draft.Steps,
                LearningRate = job.Draft.LearningRate,
                Provenance = JsonSerializer.Serialize(job.Draft.Sources.Select(s => $"{s.Id}@{s.Version}").ToArray()),
            }, progress =>
            {
                if (progress.Step == 1 || progress.Step % every == 0)
                {
                    lock (reports)
                    {
                        reports.Add(cube.ReportProgressAsync(progress.Step, progress.Loss));
                    }
                }
            });
            await Task.WhenAll(reports);
            LoraAdapterFile.Write(adapter, path);
            using var training = JsonDocument.Parse(adapter.Training ?? "{}");
            var root = training.RootElement;
            await cube.CompleteAsync(new ParameterTrained(
                path, root.GetProperty("initial_loss").GetDouble(), root.GetProperty("final_loss").GetDouble(), root.GetProperty("train_s").GetDouble()));
        }
        catch (Exception e)
        {
            // Off the grain's turns nothing else would see the failure: whatever it is, the cube must not stay Training.
            LogTrainingFailed(logger, e, id);
            await cube.FailAsync(e.Message);
        }
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information,
        Message = "Training parameter MemCube {ParameterId}: {TextCount} memory texts, rank {Rank}, {Steps} steps")]
    private static partial void LogTrainingStarted(ILogger logger, string parameterId, int textCount, int rank, int steps);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Warning, Message = "Training parameter MemCube {ParameterId} failed")]
    private static partial void LogTrainingFailed(ILogger logger, Exception exception, string parameterId);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Error, Message = "The LoRA training worker could not start its next job")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);
}
