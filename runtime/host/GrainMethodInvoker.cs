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
                return (reference, arguments) => reference.InvokeAsync<object?>(method, arguments, grain => AwaitTask(method, grain, arguments));
            case ReturnKind.ValueTask:
                return (reference, arguments) => new ValueTask(
                    reference.InvokeAsync<object?>(method, arguments, grain => AwaitValueTask(method, grain, arguments)));
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
        => (reference, arguments) => reference.InvokeAsync(method, arguments, grain => (Task<TResult>)Call(method, grain, arguments));

    private static Func<GrainReference, object?[]?, object> CreateValueTaskOfT<TResult>(MethodInfo method)
        => (reference, arguments) => new ValueTask<TResult>(
            reference.InvokeAsync(method, arguments, grain => ((ValueTask<TResult>)Call(method, grain, arguments)).AsTask()));

    /// <summary>The declared result type of a grain method (<see langword="null"/> for <see cref="Task"/> and
    /// <see cref="ValueTask"/>).</summary>
    public static Type? ResultType(MethodInfo method)
        => GetReturnKind(method.ReturnType) is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT ? method.ReturnType.GetGenericArguments()[0] : null;

    /// <summary>Calls a grain method and returns its result boxed (null for methods returning no value): the body of a
    /// call forwarded from another silo, whose result is serialized by <see cref="ResultType"/>.</summary>
    public static async Task<object?> InvokeBoxedAsync(MethodInfo method, Grain grain, object?[]? arguments)
    {
        var returned = Call(method, grain, arguments);
        switch (returned)
        {
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            case Task task:
                await task.ConfigureAwait(false);
                return GetReturnKind(method.ReturnType) == ReturnKind.TaskOfT ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
            default:
                // ValueTask<T>: convert to its Task<T>.
                var asTask = (Task)returned.GetType().GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
                await asTask.ConfigureAwait(false);
                return asTask.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(asTask);
        }
    }

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
