using System.Reflection;

namespace MemOS.Runtime;

/// <summary>The <see cref="DispatchProxy"/> base of grain references: every interface call becomes a call on the
/// grain's activation. Not sealed because DispatchProxy derives the runtime proxy type from it.</summary>
internal class GrainProxy : DispatchProxy
{
    private GrainReference? _reference;

    public GrainReference Reference => _reference ?? throw new InvalidOperationException("The grain proxy was not initialized.");

    internal void Initialize(GrainReference reference) => _reference = reference;

    public override string ToString() => Reference.ToString();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return Reference.InterfaceInfo.Invoke(Reference, targetMethod, args);
    }
}
