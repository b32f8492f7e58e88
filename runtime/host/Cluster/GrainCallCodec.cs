using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace MemOS.Runtime.Cluster;

/// <summary>
/// The JSON envelopes of forwarded grain calls. Request: <c>{"interface", "key", "arguments": [...]}</c>, one argument
/// per method parameter that is not a <see cref="CancellationToken"/>, each serialized as its declared parameter type.
/// Outcome: <c>{"result": value}</c> (serialized as the declared result type; <c>null</c> for methods returning no value)
/// or <c>{"exception": {"type", "assembly", "message", "transient", "properties"}}</c>.
/// </summary>
/// <remarks>
/// An exception comes back as its own type when that type is a <see cref="MemOSException"/> of an assembly this silo
/// has loaded, or one of the standard exceptions in <see cref="StandardExceptions"/>: the constructor whose parameters
/// can all be bound by name (<c>message</c>, the exception's own public properties of simple types, optional ones) is
/// called. Anything else becomes a <see cref="RemoteGrainCallException"/> carrying the remote type name and message.
/// </remarks>
internal sealed class GrainCallCodec
{
    private static readonly HashSet<Type> StandardExceptions =
    [
        typeof(ArgumentException), typeof(ArgumentNullException), typeof(ArgumentOutOfRangeException), typeof(InvalidOperationException),
        typeof(KeyNotFoundException), typeof(NotSupportedException), typeof(NotImplementedException), typeof(TimeoutException),
        typeof(FormatException), typeof(OperationCanceledException), typeof(TaskCanceledException), typeof(ObjectDisposedException),
    ];

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ExceptionProperties = new();

    private readonly JsonSerializerOptions _options;

    public GrainCallCodec(JsonSerializerOptions options)
    {
        _options = options;
    }

    public byte[] WriteRequest(Type interfaceType, string grainKey, MethodInfo method, object?[]? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("interface", interfaceType.FullName);
            writer.WriteString("key", grainKey);
            writer.WriteStartArray("arguments");
            var parameters = method.GetParameters();
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].ParameterType != typeof(CancellationToken))
                {
                    JsonSerializer.Serialize(writer, arguments?[i], parameters[i].ParameterType, _options);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a request envelope; the caller resolves the method and then binds the arguments.</summary>
    /// <exception cref="FormatException">Not a request envelope.</exception>
    public static (string Interface, string Key, JsonDocument Document) ReadRequest(ReadOnlyMemory<byte> request)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"A forwarded grain call is not JSON: {exception.Message}", exception);
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("interface", out var iface) || iface.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            throw new FormatException("A forwarded grain call needs string 'interface' and 'key' and an array 'arguments'.");
        }

        return (iface.GetString()!, key.GetString()!, document);
    }

    /// <summary>Binds the arguments of a request to the method's parameters; cancellation tokens get
    /// <paramref name="cancellationToken"/>.</summary>
    /// <exception cref="FormatException">The argument count or an argument's shape does not match.</exception>
    public object?[] ReadArguments(JsonDocument request, MethodInfo method, CancellationToken cancellationToken)
    {
        var arguments = request.RootElement.GetProperty("arguments");
        var parameters = method.GetParameters();
        var values = new object?[parameters.Length];
        var expected = parameters.Count(static p => p.ParameterType != typeof(CancellationToken));
        if (arguments.GetArrayLength() != expected)
        {
            throw new FormatException($"{method.Name} takes {expected} arguments; the forwarded call has {arguments.GetArrayLength()}.");
        }

        using var items = arguments.EnumerateArray();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].ParameterType == typeof(CancellationToken))
            {
                values[i] = cancellationToken;
                continue;
            }

            items.MoveNext();
            try
            {
                values[i] = items.Current.Deserialize(parameters[i].ParameterType, _options);
            }
            catch (JsonException exception)
            {
                throw new FormatException($"Argument '{parameters[i].Name}' of forwarded call {method.Name} does not parse: {exception.Message}", exception);
            }
        }

        return values;
    }

    public byte[] WriteResult(object? value, Type? resultType)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("result");
            if (resultType is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(writer, value, resultType, _options);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public byte[] WriteException(Exception exception)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var type = exception.GetType();
            writer.WriteStartObject();
            writer.WriteStartObject("exception");
            writer.WriteString("type", type.FullName);
            writer.WriteString("assembly", type.Assembly.GetName().Name);
            writer.WriteString("message", RawMessage(exception));
            writer.WriteBoolean("transient", exception is MemOSException { IsTransient: true });
            writer.WriteStartObject("properties");
            foreach (var property in PropertiesOf(type))
            {
                object? value;
                try
                {
                    value = property.GetValue(exception);
                }
                catch (TargetInvocationException)
                {
                    continue;
                }

                writer.WritePropertyName(property.Name);
                JsonSerializer.Serialize(writer, value, property.PropertyType, _options);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Returns the result of an outcome envelope, or throws the exception it carries.</summary>
    /// <exception cref="ClusterTransportException">Not an outcome envelope.</exception>
    public object? ReadOutcome(ReadOnlyMemory<byte> outcome, Type? resultType, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(outcome);
        }
        catch (JsonException exception)
        {
            throw new ClusterTransportException($"Silo {source} answered a forwarded call with something other than JSON.", delivered: true,
                isTransient: false, exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("exception", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                throw Rebuild(error);
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("result", out var result))
            {
                throw new ClusterTransportException($"Silo {source} answered a forwarded call without a result or an exception.", delivered: true,
                    isTransient: false);
            }

            return resultType is null ? null : result.Deserialize(resultType, _options);
        }
    }

    private static string RawMessage(Exception exception)
    {
        var message = exception.Message;

        // ArgumentException appends the parameter to the message it was given; the rebuilt one will append it again.
        if (exception is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message;
    }

    private static PropertyInfo[] PropertiesOf(Type type) => ExceptionProperties.GetOrAdd(type, static t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(static p => p.CanRead && p.GetIndexParameters().Length == 0 && p.DeclaringType != typeof(Exception)
            && p.DeclaringType != typeof(object) && IsSimple(p.PropertyType))
        .ToArray());

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset)
            || type == typeof(DateTime) || type == typeof(TimeSpan) || type == typeof(Guid);
    }

    private Exception Rebuild(JsonElement error)
    {
        var typeName = error.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        var assembly = error.TryGetProperty("assembly", out var a) ? a.GetString() ?? "" : "";
        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        var transient = error.TryGetProperty("transient", out var tr) && tr.ValueKind == JsonValueKind.True;
        var properties = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (error.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in p.EnumerateObject())
            {
                properties[property.Name] = property.Value.Clone();
            }
        }

        var type = Resolve(typeName, assembly);
        if (type is not null)
        {
            // The constructor that carries the most of what was sent wins: (message, paramName) over (message, inner).
            var candidates = type.GetConstructors()
                .Select(c => (Constructor: c, Bound: TryBind(c, message, properties, out var arguments), Arguments: arguments))
                .Where(static c => c.Bound >= 0)
                .OrderByDescending(static c => c.Bound)
                .ThenByDescending(static c => c.Arguments.Length);
            foreach (var (constructor, _, arguments) in candidates)
            {
                try
                {
                    return (Exception)constructor.Invoke(arguments);
                }
                catch (TargetInvocationException)
                {
                    // The constructor refused these values; try the next.
                }
            }
        }

        return new RemoteGrainCallException(typeName, message, transient);
    }

    private static Type? Resolve(string typeName, string assembly)
    {
        if (typeName.Length == 0)
        {
            return null;
        }

        Type? type;
        try
        {
            type = Type.GetType($"{typeName}, {assembly}", throwOnError: false);
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or BadImageFormatException)
        {
            return null;
        }

        // Only exception types the contracts define, never an arbitrary type named by the wire.
        return type is not null && (type.IsSubclassOf(typeof(MemOSException)) || type == typeof(MemOSException) || StandardExceptions.Contains(type))
            ? type
            : null;
    }

    /// <summary>Binds a constructor's parameters by name; returns how many took a value that was sent (the message or
    /// a property), or -1 when a parameter cannot be bound.</summary>
    private int TryBind(ConstructorInfo constructor, string message, Dictionary<string, JsonElement> properties, out object?[] arguments)
    {
        var parameters = constructor.GetParameters();
        arguments = new object?[parameters.Length];
        var bound = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.Name == "message" && parameter.ParameterType == typeof(string))
            {
                arguments[i] = message;
                bound++;
            }
            else if (typeof(Exception).IsAssignableFrom(parameter.ParameterType))
            {
                arguments[i] = null;
            }
            else if (parameter.Name is { } name && properties.TryGetValue(name, out var value))
            {
                try
                {
                    arguments[i] = value.Deserialize(parameter.ParameterType, _options);
                    bound++;
                }
                catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
                {
                    return -1;
                }
            }
            else if (parameter.HasDefaultValue)
            {
                arguments[i] = parameter.DefaultValue;
            }
            else
            {
                return -1;
            }
        }

        return bound;
    }
}
