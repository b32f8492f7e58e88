using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MemOS.Runtime;

/// <summary>The grain runtime's instruments, on the meter <see cref="MeterName"/>.</summary>
internal sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "MemOS.Runtime";

    /// <summary>The name of the span of one grain call.</summary>
    public const string CallSpanName = "grain.call";

    /// <summary>The name of the span of a grain call forwarded to another silo (on the calling silo).</summary>
    public const string ForwardSpanName = "grain.forward";

    /// <summary>Spans of grain calls (activity source <see cref="MeterName"/>).</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private static readonly string[] ReasonTags = Enum.GetValues<DeactivationReason>().Select(ToTag).ToArray();

    // Owned only when no IMeterFactory is registered; a factory's meters are disposed by the factory.
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _created;
    private readonly Counter<long> _deactivated;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _forwardDuration;

    public RuntimeMetrics(
        IMeterFactory? meterFactory,
        Func<IEnumerable<Measurement<long>>> observeLiveActivations,
        Func<IEnumerable<Measurement<long>>> observeQueueLengths)
    {
        Meter meter;
        if (meterFactory is not null)
        {
            meter = meterFactory.Create(MeterName);
        }
        else
        {
            // One meter per runtime rather than a static one: the observable instrument below holds this runtime,
            // and a meter's instruments can only be released by disposing the meter.
            meter = _ownedMeter = new Meter(MeterName);
        }

        _created = meter.CreateCounter<long>(
            "memos.runtime.activation.created", unit: "{activation}", description: "Grain activations created.");
        _deactivated = meter.CreateCounter<long>(
            "memos.runtime.activation.deactivated",
            unit: "{activation}",
            description: "Grain activations deactivated, by reason (idle_timeout, application_requested, shutting_down, activation_failed, placement_changed).");
        meter.CreateObservableUpDownCounter(
            "memos.runtime.activations",
            observeLiveActivations,
            unit: "{activation}",
            description: "Live grain activations, including those deactivating.");
        meter.CreateObservableUpDownCounter(
            "memos.runtime.activation.queue.length",
            observeQueueLengths,
            unit: "{work_item}",
            description: "Calls and timer ticks waiting in the mailboxes of live activations, by grain type (the one running excluded).");
        _callDuration = meter.CreateHistogram<double>(
            "memos.runtime.call.duration",
            unit: "s",
            description: "Time a grain call runs as a turn of its activation, from dequeue to completion (queueing excluded).");
        _forwardDuration = meter.CreateHistogram<double>(
            "memos.runtime.forward.duration",
            unit: "s",
            description: "Time a grain call forwarded to the silo that owns the grain takes, on the calling silo, by outcome (ok, exception, transport_error).");
    }

    public static string ToTag(DeactivationReason reason) => reason switch
    {
        DeactivationReason.IdleTimeout => "idle_timeout",
        DeactivationReason.ApplicationRequested => "application_requested",
        DeactivationReason.ShuttingDown => "shutting_down",
        DeactivationReason.ActivationFailed => "activation_failed",
        DeactivationReason.PlacementChanged => "placement_changed",
        _ => "unknown",
    };

    public void ActivationCreated(string grainType)
        => _created.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));

    public void ActivationDeactivated(string grainType, DeactivationReason reason)
    {
        var index = (int)reason;
        var tag = index >= 0 && index < ReasonTags.Length ? ReasonTags[index] : "unknown";
        _deactivated.Add(1, new TagList { { "grain.type", grainType }, { "reason", tag } });
    }

    public void RecordCall(string grainType, TimeSpan duration)
    {
        if (_callDuration.Enabled)
        {
            _callDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("grain.type", grainType));
        }
    }

    public void RecordForward(string grainType, string outcome, TimeSpan duration)
    {
        if (_forwardDuration.Enabled)
        {
            _forwardDuration.Record(duration.TotalSeconds, new TagList { { "grain.type", grainType }, { "outcome", outcome } });
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
