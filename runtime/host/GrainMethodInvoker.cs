using System.Reflection;

namespace MemOS.Runtime;

/// <summary>Builds, once per grain interface method, the delegate that turns a proxy call into a call on the
/// grain's activation and returns the task type the method declares.</summary>
internal static class GrainMethodInvoker
{
    public enum ReturnKind
    {
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }

    public static ReturnKind? GetReturnKind(Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return ReturnKind.Task;
        }

        if (returnType == typeof(ValueTask))
        {
            return ReturnKind.ValueTask;
        }

        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>))
            {
                return ReturnKind.TaskOfT;
            }

            if (definition == typeof(ValueTask<>))
            {
                return ReturnKind.ValueTaskOfT;
            }
        }

        return null;
    }

    public static Func<GrainReference, object?[]?, object> Create(MethodInfo method)
    {
        switch (GetReturnKind(method.ReturnType))
        {
            case ReturnKind.Task:
                return (reference, arguments) => reference.InvokeAsync<object?>(grain => AwaitTask(method, grain, arguments));
            case ReturnKind.ValueTask:
                return (reference, arguments) => new ValueTask(reference.InvokeAsync<object?>(grain => AwaitValueTask(method, grain, arguments)));
            case ReturnKind.TaskOfT:
            case ReturnKind.ValueTaskOfT:
                var factoryName = GetReturnKind(method.ReturnType) == ReturnKind.TaskOfT ? nameof(CreateTaskOfT) : nameof(CreateValueTaskOfT);
                return (Func<GrainReference, object?[]?, object>)typeof(GrainMethodInvoker)
                    .GetMethod(factoryName, BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(method.ReturnType.GetGenericArguments()[0])
                    .Invoke(null, [method])!;
            default:
                throw new InvalidOperationException($"Grain method {method.Name} does not return a task.");
        }
    }

    private static Func<GrainReference, object?[]?, object> CreateTaskOfT<TResult>(MethodInfo method)
        => (reference, arguments) => reference.InvokeAsync(grain => (Task<TResult>)Call(method, grain, arguments));

    private static Func<GrainReference, object?[]?, object> CreateValueTaskOfT<TResult>(MethodInfo method)
        => (reference, arguments) => new ValueTask<TResult>(
            reference.InvokeAsync(grain => ((ValueTask<TResult>)Call(method, grain, arguments)).AsTask()));

    private static async Task<object?> AwaitTask(MethodInfo method, Grain grain, object?[]? arguments)
    {
        await ((Task)Call(method, grain, arguments)).ConfigureAwait(false);
        return null;
    }

    private static async Task<object?> AwaitValueTask(MethodInfo method, Grain grain, object?[]? arguments)
    {
        await ((ValueTask)Call(method, grain, arguments)).ConfigureAwait(false);
        return null;
    }

    private static object Call(MethodInfo method, Grain grain, object?[]? arguments)
        => method.Invoke(grain, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)
            ?? throw new InvalidOperationException(
                $"Grain method {grain.GetType().Name}.{method.Name} returned a null task.");
}
