using System.Globalization;

namespace MemOS.Inference.Gguf;

/// <summary>One GGUF metadata value: a scalar, a string, or an array of one of those.</summary>
/// <remarks><see cref="Value"/> is the CLR value of <see cref="Type"/>: <see cref="byte"/>, <see cref="sbyte"/>,
/// <see cref="ushort"/>, <see cref="short"/>, <see cref="uint"/>, <see cref="int"/>, <see cref="float"/>,
/// <see cref="bool"/>, <see cref="string"/>, <see cref="ulong"/>, <see cref="long"/> or <see cref="double"/>; for
/// <see cref="GgufValueType.Array"/>, an array of the CLR type of <see cref="ElementType"/> (for example
/// <c>string[]</c> or <c>float[]</c>).</remarks>
public sealed class GgufMetadataValue
{
    /// <summary>Creates a value.</summary>
    /// <param name="type">The value's type.</param>
    /// <param name="value">The CLR value (see the remarks of this type).</param>
    /// <param name="elementType">The element type of an array; <see langword="null"/> otherwise.</param>
    /// <exception cref="ArgumentException">The value does not have the CLR type of <paramref name="type"/> (or of
    /// <paramref name="elementType"/>), or an array's element type is missing, an array, or unknown.</exception>
    public GgufMetadataValue(GgufValueType type, object value, GgufValueType? elementType = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (type == GgufValueType.Array)
        {
            if (elementType is not { } element || element == GgufValueType.Array || !Enum.IsDefined(element))
            {
                throw new ArgumentException("An array names a scalar or string element type.", nameof(elementType));
            }

            if (value.GetType() != ClrType(element).MakeArrayType())
            {
                throw new ArgumentException($"An array of {element} is a {ClrType(element).Name}[].", nameof(value));
            }
        }
        else if (!Enum.IsDefined(type) || value.GetType() != ClrType(type) || elementType is not null)
        {
            throw new ArgumentException($"A {type} value is a {(Enum.IsDefined(type) ? ClrType(type).Name : "known type")}, with no element type.", nameof(value));
        }

        Type = type;
        ElementType = elementType;
        Value = value;
    }

    /// <summary>The value's type.</summary>
    public GgufValueType Type { get; }

    /// <summary>The element type of an array; <see langword="null"/> for scalars and strings.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>The CLR value (see the remarks of this type).</summary>
    public object Value { get; }

    /// <summary>A string value.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The value.</returns>
    public static GgufMetadataValue FromString(string value) => new(GgufValueType.String, value);

    /// <summary>The value as a string.</summary>
    /// <returns>The string.</returns>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => Value as string ?? throw Mismatch(GgufValueType.String);

    /// <summary>The value as a 32-bit float (a <see cref="GgufValueType.Float32"/> or <see cref="GgufValueType.Float64"/>).</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is not a float.</exception>
    public float AsFloat32() => Value switch
    {
        float f => f,
        double d => (float)d,
        _ => throw Mismatch(GgufValueType.Float32),
    };

    /// <summary>The value as an unsigned 64-bit integer (any non-negative integer type).</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is not an integer, or is negative.</exception>
    public ulong AsUInt64() => Value switch
    {
        byte or ushort or uint or ulong => Convert.ToUInt64(Value, CultureInfo.InvariantCulture),
        sbyte or short or int or long when Convert.ToInt64(Value, CultureInfo.InvariantCulture) >= 0 => Convert.ToUInt64(Value, CultureInfo.InvariantCulture),
        _ => throw Mismatch(GgufValueType.UInt64),
    };

    /// <summary>The value as an array of strings.</summary>
    /// <returns>The elements.</returns>
    /// <exception cref="InvalidOperationException">The value is not an array of strings.</exception>
    public IReadOnlyList<string> AsStringArray() => Value as string[] ?? throw Mismatch(GgufValueType.Array);

    /// <inheritdoc />
    public override string ToString() => Value is Array array
        ? $"{ElementType}[{array.Length}]"
        : Convert.ToString(Value, CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>The CLR type of a scalar or string GGUF type.</summary>
    /// <param name="type">The GGUF type (not <see cref="GgufValueType.Array"/>).</param>
    /// <returns>The CLR type.</returns>
    internal static Type ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a scalar GGUF type."),
    };

    private InvalidOperationException Mismatch(GgufValueType wanted) =>
        new($"The metadata value is a {(Type == GgufValueType.Array ? $"{ElementType} array" : Type.ToString())}, not a {wanted}.");
}
