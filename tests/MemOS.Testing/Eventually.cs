using System.Diagnostics;

namespace MemOS.Testing;

/// <summary>Bounded waits for work the test cannot await directly (background loops). Generous limits: they only
/// bound a failing test, they never decide a passing one.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task TrueAsync(Func<bool> condition, string because)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > DefaultTimeout)
            {
                Assert.Fail($"Timed out after {DefaultTimeout.TotalSeconds} s waiting until {because}.");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Awaits a task that must finish, failing the test instead of hanging it when it does not.</summary>
    public static Task Within(this Task task) => task.WaitAsync(DefaultTimeout, TestContext.Current.CancellationToken);

    /// <inheritdoc cref="Within(Task)"/>
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(DefaultTimeout, TestContext.Current.CancellationToken);
}
