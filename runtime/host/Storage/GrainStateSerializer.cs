using System.Text.Json;

namespace MemOS.Runtime.Storage;

/// <summary>Turns grain state objects into storage payloads (UTF-8 JSON) and back.</summary>
internal sealed class GrainStateSerializer(JsonSerializerOptions options)
{
    public byte[] Serialize<TState>(TState state, string grainType, string stateName, string grainKey)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(state, options);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            throw new GrainStorageException(
                $"State '{stateName}' of grain {grainType}/{grainKey} could not be serialized as {typeof(TState).Name}: {exception.Message}",
                exception,
                isTransient: false);
        }
    }

    public TState Deserialize<TState>(ReadOnlyMemory<byte> payload, string grainType, string stateName, string grainKey)
        where TState : class, new()
    {
        try
        {
            return JsonSerializer.Deserialize<TState>(payload.Span, options) ?? new TState();
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            throw new GrainStorageException(
                $"Stored state '{stateName}' of grain {grainType}/{grainKey} could not be read as {typeof(TState).Name}: {exception.Message}",
                exception,
                isTransient: false);
        }
    }
}
