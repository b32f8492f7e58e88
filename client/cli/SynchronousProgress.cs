namespace MemOS.Cli;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (the BCL's <c>Progress&lt;T&gt;</c> posts
/// to the thread pool, so the last report could land after the work is shown as done).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
