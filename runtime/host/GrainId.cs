namespace MemOS.Runtime;

/// <summary>Identifies one grain: its type name and key. At most one activation per id exists in a runtime.</summary>
internal readonly record struct GrainId(string GrainType, string GrainKey)
{
    public override string ToString() => $"{GrainType}/{GrainKey}";
}
