using MemOS.Runtime;

namespace MemOS.Grains;

/// <summary>Writes of a grain's persisted state that leave memory and storage agreeing.</summary>
internal static class PersistentStateExtensions
{
    /// <summary>Sets the state and writes it; when the write fails the previous state is put back (a grain must not show
    /// a state that storage does not hold), and the failure is rethrown.</summary>
    /// <param name="state">The persisted state.</param>
    /// <param name="next">The new state.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <returns>A task that completes when the state is written.</returns>
    public static async Task CommitAsync<TState>(this IPersistentState<TState> state, TState next, CancellationToken cancellationToken)
        where TState : class, new()
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }
}
