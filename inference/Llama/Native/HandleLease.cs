using System.Runtime.InteropServices;

namespace MemOS.Inference.Llama.Native;

/// <summary>Holds a reference on a <see cref="SafeHandle"/> while raw pointers derived from it are in use, so a
/// concurrent <see cref="SafeHandle.Dispose()"/> cannot free the native object mid-call.</summary>
internal readonly ref struct HandleLease
{
    private readonly SafeHandle _handle;
    private readonly bool _added;

    /// <summary>Takes the reference.</summary>
    /// <param name="handle">The handle.</param>
    /// <exception cref="ObjectDisposedException">The handle is already closed.</exception>
    public HandleLease(SafeHandle handle)
    {
        _handle = handle;
        var added = false;
        handle.DangerousAddRef(ref added);
        _added = added;
    }

    /// <summary>The raw pointer.</summary>
    public nint Pointer => _handle.DangerousGetHandle();

    /// <summary>Releases the reference.</summary>
    public void Dispose()
    {
        if (_added)
        {
            _handle.DangerousRelease();
        }
    }
}
