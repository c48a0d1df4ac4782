namespace Analytics.Storage.Embedded;

/// <summary>
/// The end of a process that opened the embedded engine. chDB's global teardown in the C++ exit handlers crashed
/// now and then (SIGSEGV, exit 139) and can wait on background merges. By the time a program calls this, its
/// answer is written and every insert is on disk (a start cleans what an unfinished merge left), so the process
/// ends here, past those handlers. Without an opened engine it just returns the code. Not for the service's Main:
/// under WebApplicationFactory that Main goes on after the test host stops, inside the test process.
/// </summary>
public static class NativeExit
{
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
