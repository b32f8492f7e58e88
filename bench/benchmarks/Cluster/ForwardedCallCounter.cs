using System.Diagnostics.Metrics;

namespace MemOS.Benchmarks.Cluster;

/// <summary>Counts the grain calls the silos of this process forward to another silo, from the runtime's
/// <c>memos.runtime.forward.duration</c> histogram (meter <c>MemOS.Runtime</c>): one measurement per forwarded call.</summary>
public sealed class ForwardedCallCounter : IDisposable
{
    private const string MeterName = "MemOS.Runtime";
    private const string InstrumentName = "memos.runtime.forward.duration";
    private readonly MeterListener _listener = new();
    private long _count;

    /// <summary>Starts counting.</summary>
    public ForwardedCallCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
        _listener.Start();
    }

    /// <summary>Forwarded calls counted so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Stops counting.</summary>
    public void Dispose() => _listener.Dispose();
}
