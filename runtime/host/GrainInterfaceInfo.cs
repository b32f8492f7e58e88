using System.Collections.Concurrent;
using System.Reflection;

namespace MemOS.Runtime;

/// <summary>A validated grain interface bound to its implementation class, with one cached invoker per method.</summary>
internal sealed class GrainInterfaceInfo
{
    private readonly ConcurrentDictionary<MethodInfo, Func<GrainReference, object?[]?, object>> _invokers = new();

    private GrainInterfaceInfo(Type interfaceType, GrainClassInfo grainClass)
    {
        InterfaceType = interfaceType;
        GrainClass = grainClass;
    }

    public Type InterfaceType { get; }

    public GrainClassInfo GrainClass { get; }

    /// <summary>Checks that every method of the interface (and of the interfaces it extends) can be called as a
    /// grain method, and builds their invokers.</summary>
    /// <exception cref="InvalidOperationException">A method is not asynchronous or has by-reference parameters.</exception>
    public static GrainInterfaceInfo Create(Type interfaceType, GrainClassInfo grainClass)
    {
        var info = new GrainInterfaceInfo(interfaceType, grainClass);
        var methods = interfaceType.GetMethods().Concat(interfaceType.GetInterfaces().SelectMany(static i => i.GetMethods()));
        foreach (var method in methods)
        {
            if (method.IsStatic)
            {
                continue;
            }

            if (GrainMethodInvoker.GetReturnKind(method.ReturnType) is null)
            {
                throw new InvalidOperationException(
                    $"Grain interface {interfaceType.Name} method {method.DeclaringType?.Name}.{method.Name} returns {method.ReturnType.Name}; " +
                    "grain methods must return Task, Task<T>, ValueTask or ValueTask<T> (properties and events are not allowed).");
            }

            if (method.GetParameters().Any(static p => p.ParameterType.IsByRef || p.ParameterType.IsPointer))
            {
                throw new InvalidOperationException(
                    $"Grain interface {interfaceType.Name} method {method.Name} has a ref, out, in or pointer parameter, which grain calls cannot carry.");
            }

            // Generic methods get their invoker per instantiation, on first call.
            if (!method.ContainsGenericParameters)
            {
                info._invokers.TryAdd(method, GrainMethodInvoker.Create(method));
            }
        }

        return info;
    }

    public object Invoke(GrainReference reference, MethodInfo method, object?[]? arguments)
        => _invokers.GetOrAdd(method, static m => GrainMethodInvoker.Create(m))(reference, arguments);
}
