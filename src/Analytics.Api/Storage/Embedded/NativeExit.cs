namespace Analytics.Storage.Embedded;

/// <summary>
/// The end of a process that opened the embedded engine. chDB's global teardown in the C++ exit handlers crashed
/// now and then (SIGSEGV, exit 139) and can wait on background merges. By the time a program calls this, its
/// answer is written and every insert is on disk (a start cleans what an unfinished merge left), so the process
/// ends here, past those handlers. Without an opened engine it just returns the code.
/// </summary>
public static class NativeExit
{
    /// <summary>
    /// The service's end, after the host stopped. Only when this program is the process: under WebApplicationFactory
    /// the same Main goes on after a test's host stops, inside the test process, which must live on.
    /// </summary>
    public static int LeaveService(int exitCode) =>
        System.Reflection.Assembly.GetEntryAssembly() == typeof(NativeExit).Assembly ? Leave(exitCode) : exitCode;

    public static int Leave(int exitCode)
    {
        if (!ChdbEngine.Opened) return exitCode;
        Console.Out.Flush();
        Console.Error.Flush();
        ExitNow(exitCode);
        return exitCode; // not reached
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    static extern void ExitNow(int status);
}
