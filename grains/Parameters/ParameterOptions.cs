namespace MemOS.Grains.Parameters;

/// <summary>Parameter memory: the MemSchedulers' policy for migrating plaintext memories into LoRA adapters, the
/// training settings, and how chats apply the adapters. Bound from <c>MemOS:Parameter</c>.</summary>
/// <remarks>With <see cref="AutoMigrate"/>, after each chat a MemScheduler looks at the user's memories that have no
/// adapter yet: those retrieved at least <see cref="MinAccessCount"/> times and unchanged for <see cref="StableFor"/>
/// qualify; when at least <see cref="MinMemories"/> do, the <see cref="MaxMemoriesPerAdapter"/> most accessed are
/// queued for training as one adapter. Explicit requests (<c>POST /v1/memories/parameterize</c>) work either way.</remarks>
public sealed class ParameterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Parameter";

    /// <summary>Whether MemSchedulers migrate memories into adapters on their own. Default: false (nothing trains
    /// unless asked).</summary>
    public bool AutoMigrate { get; set; }

    /// <summary>The fewest retrievals (access count) of a memory for it to qualify. At least 1. Default: 5.</summary>
    public long MinAccessCount { get; set; } = 5;

    /// <summary>How long a memory must have been unchanged (since its last version) to qualify. Zero or more.
    /// Default: 1 day.</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The fewest qualifying memories that make one adapter. At least 1. Default: 3.</summary>
    public int MinMemories { get; set; } = 3;

    /// <summary>The most memories one adapter is trained on. At least 1. Default: 32.</summary>
    public int MaxMemoriesPerAdapter { get; set; } = 32;

    /// <summary>The LoRA rank of new adapters. 1-64. Default: 8.</summary>
    public int Rank { get; set; } = 8;

    /// <summary>The LoRA alpha (the update is scaled by alpha / rank). Positive. Default: 16.</summary>
    public float Alpha { get; set; } = 16f;

    /// <summary>The optimizer steps of a training. 1-10000. Default: 100.</summary>
    public int Steps { get; set; } = 100;

    /// <summary>Adam's learning rate. Positive. Default: 0.001.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>The scale chats apply each Ready adapter with (1 as trained, 0 off). Zero or more. Default: 1.</summary>
    public float ChatScale { get; set; } = 1f;

    /// <summary>The most adapters one chat applies (the newest Ready ones). At least 0. Default: 4.</summary>
    public int MaxAdaptersPerChat { get; set; } = 4;

    /// <summary>Where adapter files are written (<c>{id}.gguf</c>); the silo sets <c>{data}/lora</c>. Default: the
    /// temporary folder's <c>memos-lora</c>.</summary>
    public string AdapterDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "memos-lora");
}
