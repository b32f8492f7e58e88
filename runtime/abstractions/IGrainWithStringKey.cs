namespace MemOS.Runtime;

/// <summary>Marker for grains identified by a string key (the only key kind this runtime supports).</summary>
public interface IGrainWithStringKey : IGrain
{
}
