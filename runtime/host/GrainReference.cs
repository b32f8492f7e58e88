using System.Reflection;

namespace MemOS.Runtime;

/// <summary>The address behind a grain proxy: which runtime, which grain, through which interface. A reference made by
/// the runtime for a call forwarded from another silo carries how many silos forwarded it.</summary>
internal sealed class GrainReference(GrainRuntime runtime, GrainId id, GrainInterfaceInfo interfaceInfo, int hops = 0)
{
    public GrainId Id { get; } = id;

    public GrainInterfaceInfo InterfaceInfo { get; } = interfaceInfo;

    public Task<TResult> InvokeAsync<TResult>(MethodInfo method, object?[]? arguments, Func<Grain, Task<TResult>> body)
        => runtime.InvokeAsync(Id, InterfaceInfo, method, arguments, body, hops);

    public override string ToString() => $"{InterfaceInfo.InterfaceType.Name}({Id})";
}
