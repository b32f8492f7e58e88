namespace MemOS.Runtime;

/// <summary>Marker for grain interfaces. Every method of a grain interface returns <see cref="Task"/>,
/// <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.</summary>
public interface IGrain
{
}
