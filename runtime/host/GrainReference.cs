namespace MemOS.Runtime;

/// <summary>The address behind a grain proxy: which runtime, which grain, through which interface.</summary>
internal sealed class GrainReference(GrainRuntime runtime, GrainId id, GrainInterfaceInfo interfaceInfo)
{
    public GrainId Id { get; } = id;

    public GrainInterfaceInfo InterfaceInfo { get; } = interfaceInfo;

    public Task<TResult> InvokeAsync<TResult>(Func<Grain, Task<TResult>> body)
        => runtime.InvokeAsync(Id, InterfaceInfo.GrainClass, body);

    public override string ToString() => $"{InterfaceInfo.InterfaceType.Name}({Id})";
}
