// The service and its tests run on Linux (chDB, file modes, tmpfs, Debian's clickhouse-server).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
