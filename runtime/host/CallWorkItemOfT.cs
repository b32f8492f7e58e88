namespace MemOS.Runtime;

/// <summary>A grain call whose method returns <typeparamref name="TResult"/> (<see cref="object"/> for methods
/// returning no value).</summary>
internal sealed class CallWorkItem<TResult> : CallWorkItem
{
    private readonly Func<Grain, Task<TResult>> _body;

    // Continuations run asynchronously so the caller's code never runs inline on the activation's turn loop.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The caller's ExecutionContext, so Activity.Current and other async-locals flow into the grain method.
    private readonly ExecutionContext? _callerContext = ExecutionContext.Capture();

    private Task? _started;

    public CallWorkItem(Func<Grain, Task<TResult>> body)
    {
        _body = body;
    }

    public Task<TResult> Task => _completion.Task;

    public override Task RunAsync(Grain grain)
    {
        if (_callerContext is null)
        {
            return ExecuteAsync(grain);
        }

        ExecutionContext.Run(
            _callerContext,
            static state =>
            {
                var (item, target) = ((CallWorkItem<TResult>, Grain))state!;
                item._started = item.ExecuteAsync(target);
            },
            (this, grain));
        return _started!;
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Forward() => _completion.TrySetException(CallForwardedException.Instance);

    private async Task ExecuteAsync(Grain grain)
    {
        // A child of the caller's span (the caller's ExecutionContext is current here), when anyone listens.
        using var activity = RuntimeMetrics.ActivitySource.StartActivity(RuntimeMetrics.CallSpanName);
        activity?.SetTag("grain.type", GrainClassInfo.GetGrainTypeName(grain.GetType()));
        try
        {
            _completion.TrySetResult(await _body(grain).ConfigureAwait(false));
        }
        catch (OperationCanceledException exception)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "cancelled");
            _completion.TrySetCanceled(exception.CancellationToken);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            _completion.TrySetException(exception);
        }
    }
}
