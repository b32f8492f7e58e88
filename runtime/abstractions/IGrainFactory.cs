namespace MemOS.Runtime;

/// <summary>Hands out references to grains. A reference is cheap and can be kept; the activation behind it is
/// created on the first call and may be deactivated and re-created any number of times.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrainInterface"/> with key
    /// <paramref name="key"/>. No activation is created until a method is called.</summary>
    /// <typeparam name="TGrainInterface">A grain interface with exactly one registered implementation.</typeparam>
    /// <param name="key">The grain's key: non-empty, at most 512 characters.</param>
    /// <returns>A reference whose methods run on the grain's single activation, one call at a time.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or too long.</exception>
    /// <exception cref="InvalidOperationException">No implementation of the interface is registered.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
