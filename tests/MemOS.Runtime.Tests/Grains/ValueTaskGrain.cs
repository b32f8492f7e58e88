namespace MemOS.Runtime.Tests.Grains;

public interface IValueTaskGrain : IGrainWithStringKey
{
    ValueTask<int> DoubleAsync(int value);

    ValueTask NoteAsync(string note);

    Task<IReadOnlyList<string>> GetNotesAsync();
}

public sealed class ValueTaskGrain : Grain, IValueTaskGrain
{
    private readonly List<string> _notes = [];

    public async ValueTask<int> DoubleAsync(int value)
    {
        await Task.Yield();
        return value * 2;
    }

    public ValueTask NoteAsync(string note)
    {
        _notes.Add(note);
        return ValueTask.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetNotesAsync() => Task.FromResult<IReadOnlyList<string>>([.. _notes]);
}
