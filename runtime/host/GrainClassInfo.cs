using System.Reflection;
using MemOS.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Runtime;

/// <summary>What the runtime knows about one grain class: its type name and how to construct it.</summary>
internal sealed class GrainClassInfo
{
    private readonly ConstructorInfo _constructor;
    private readonly ParameterBinding[] _parameters;
    private readonly IPlacementAffinity? _affinity;

    private GrainClassInfo(Type grainClass, string grainType, ConstructorInfo constructor, ParameterBinding[] parameters)
    {
        GrainClass = grainClass;
        GrainType = grainType;
        _constructor = constructor;
        _parameters = parameters;
        HasPersistentState = parameters.Any(static p => p.StateName is not null);
        IsLocallyPlaced = grainClass.GetCustomAttribute<LocalPlacementAttribute>(inherit: false) is not null;
        _affinity = CreateAffinity(grainClass);
        if (IsLocallyPlaced && _affinity is not null)
        {
            throw new InvalidOperationException($"Grain class {grainClass.FullName} cannot be both [LocalPlacement] and [PlacedWith].");
        }
    }

    public Type GrainClass { get; }

    public string GrainType { get; }

    public bool HasPersistentState { get; }

    /// <summary>Whether the class carries <see cref="LocalPlacementAttribute"/>: activated on the calling silo, never
    /// forwarded nor moved by a membership change.</summary>
    public bool IsLocallyPlaced { get; }

    /// <summary>What rendezvous placement hashes for a grain of this class: the target of its
    /// <see cref="PlacedWithAttribute"/> affinity, else its own type and key.</summary>
    /// <exception cref="InvalidOperationException">The affinity named an empty type or key.</exception>
    public PlacementTarget PlacementOf(string grainKey)
    {
        if (_affinity?.Colocate(grainKey) is not { } target)
        {
            return new PlacementTarget(GrainType, grainKey);
        }

        if (string.IsNullOrEmpty(target.GrainType) || target.GrainKey is null)
        {
            throw new InvalidOperationException($"The placement affinity of {GrainClass.Name} named an empty grain type or key for '{grainKey}'.");
        }

        return target;
    }

    private static IPlacementAffinity? CreateAffinity(Type grainClass)
    {
        if (grainClass.GetCustomAttribute<PlacedWithAttribute>(inherit: false) is not { } attribute)
        {
            return null;
        }

        if (!typeof(IPlacementAffinity).IsAssignableFrom(attribute.Affinity) || attribute.Affinity.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new InvalidOperationException(
                $"[PlacedWith({attribute.Affinity.Name})] on {grainClass.FullName}: the type must implement {nameof(IPlacementAffinity)} and have a public parameterless constructor.");
        }

        return (IPlacementAffinity)Activator.CreateInstance(attribute.Affinity)!;
    }

    /// <summary>The grain type name: <see cref="GrainTypeAttribute"/> or the lower-cased class name without a
    /// trailing "Grain".</summary>
    public static string GetGrainTypeName(Type grainClass)
    {
        var attribute = grainClass.GetCustomAttribute<GrainTypeAttribute>(inherit: false);
        if (attribute is not null)
        {
            if (string.IsNullOrWhiteSpace(attribute.Name))
            {
                throw new InvalidOperationException($"[GrainType] on {grainClass.FullName} names an empty grain type.");
            }

            return attribute.Name;
        }

        var name = grainClass.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        if (name.Length > "Grain".Length && name.EndsWith("Grain", StringComparison.Ordinal))
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }

    /// <summary>Checks the class's shape and plans its construction.</summary>
    /// <exception cref="InvalidOperationException">The class cannot be a grain.</exception>
    public static GrainClassInfo Create(Type grainClass)
    {
        if (!grainClass.IsClass || grainClass.IsAbstract || grainClass.ContainsGenericParameters || !grainClass.IsSubclassOf(typeof(Grain)))
        {
            throw new InvalidOperationException(
                $"{grainClass.FullName} cannot be a grain class: it must be a non-abstract, non-generic subclass of {nameof(Grain)}.");
        }

        var constructor = SelectConstructor(grainClass);
        var stateNames = new HashSet<string>(StringComparer.Ordinal);
        var parameters = constructor.GetParameters().Select(parameter => Bind(grainClass, parameter, stateNames)).ToArray();
        return new GrainClassInfo(grainClass, GetGrainTypeName(grainClass), constructor, parameters);
    }

    /// <summary>Constructs the grain. Must run inside <see cref="RuntimeContext.BeginConstruction"/> on the calling
    /// thread, since the <see cref="Grain"/> base constructor reads the context from a thread-static.</summary>
    public Grain CreateInstance(
        IGrainContext context, IServiceProvider services, IGrainStorage? storage, GrainStateSerializer serializer, List<IBoundPersistentState> states)
    {
        var arguments = new object?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var binding = _parameters[i];
            if (binding.StateName is not null)
            {
                if (storage is null)
                {
                    throw new InvalidOperationException(
                        $"Grain class {GrainClass.Name} declares persistent state '{binding.StateName}' but no grain storage is registered; " +
                        "call UseSqliteGrainStorage or UseInMemoryGrainStorage.");
                }

                var state = binding.StateFactory!(storage, serializer, context.GrainType, context.GrainKey, binding.StateName);
                states.Add(state);
                arguments[i] = state;
            }
            else if (binding.ParameterType == typeof(IGrainContext))
            {
                arguments[i] = context;
            }
            else
            {
                arguments[i] = services.GetService(binding.ParameterType)
                    ?? (binding.HasDefault
                        ? binding.DefaultValue
                        : throw new InvalidOperationException(
                            $"Grain class {GrainClass.Name} needs a {binding.ParameterType.Name} (parameter '{binding.Name}'), " +
                            "which is not registered in the service collection."));
            }
        }

        return (Grain)_constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
    }

    private static ConstructorInfo SelectConstructor(Type grainClass)
    {
        var constructors = grainClass.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length == 0)
        {
            throw new InvalidOperationException($"Grain class {grainClass.FullName} has no public constructor.");
        }

        if (constructors.Length == 1)
        {
            return constructors[0];
        }

        // Same preference as ActivatorUtilities: an explicitly marked constructor, else the longest.
        var marked = constructors.Where(static c => c.IsDefined(typeof(ActivatorUtilitiesConstructorAttribute), inherit: false)).ToArray();
        if (marked.Length == 1)
        {
            return marked[0];
        }

        return constructors.OrderByDescending(static c => c.GetParameters().Length).First();
    }

    private static ParameterBinding Bind(Type grainClass, ParameterInfo parameter, HashSet<string> stateNames)
    {
        var type = parameter.ParameterType;
        var attribute = parameter.GetCustomAttribute<PersistentStateAttribute>(inherit: false);
        var isState = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IPersistentState<>);
        if (attribute is null && isState)
        {
            throw new InvalidOperationException(
                $"Parameter '{parameter.Name}' of grain class {grainClass.Name} is an IPersistentState<TState> without [PersistentState(\"name\")].");
        }

        if (attribute is null)
        {
            return new ParameterBinding(parameter.Name, type, parameter.HasDefaultValue, parameter.HasDefaultValue ? parameter.DefaultValue : null, null, null);
        }

        if (!isState)
        {
            throw new InvalidOperationException(
                $"Parameter '{parameter.Name}' of grain class {grainClass.Name} has [PersistentState] but is a {type.Name}, " +
                "not an IPersistentState<TState>.");
        }

        if (string.IsNullOrWhiteSpace(attribute.StateName) || !stateNames.Add(attribute.StateName))
        {
            throw new InvalidOperationException(
                $"Parameter '{parameter.Name}' of grain class {grainClass.Name} has an empty or duplicate state name '{attribute.StateName}'.");
        }

        var factory = typeof(GrainClassInfo)
            .GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type.GetGenericArguments()[0])
            .CreateDelegate<Func<IGrainStorage, GrainStateSerializer, string, string, string, IBoundPersistentState>>();
        return new ParameterBinding(parameter.Name, type, false, null, attribute.StateName, factory);
    }

    private static IBoundPersistentState CreateState<TState>(
        IGrainStorage storage, GrainStateSerializer serializer, string grainType, string grainKey, string stateName)
        where TState : class, new()
        => new PersistentState<TState>(storage, serializer, grainType, grainKey, stateName);

    private sealed record ParameterBinding(
        string? Name,
        Type ParameterType,
        bool HasDefault,
        object? DefaultValue,
        string? StateName,
        Func<IGrainStorage, GrainStateSerializer, string, string, string, IBoundPersistentState>? StateFactory);
}
