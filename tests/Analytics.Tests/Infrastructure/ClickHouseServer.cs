using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A real ClickHouse server (Debian's clickhouse-server, 18.16 in CI) started as a child process on free ports,
/// with its own config and data in a temporary directory. <see cref="Shared"/> serves every server-engine test;
/// outage tests start their own and stop/start it.
/// </summary>
public sealed class ClickHouseServer : IDisposable
{
    public const string Binary = "/usr/sbin/clickhouse-server";
    static readonly Lazy<ClickHouseServer> shared = new(() =>
    {
        var server = new ClickHouseServer();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    readonly string directory;
    readonly bool queryLog;
    Process? process;

    public int HttpPort { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={HttpPort};Username=default;Password=";
    public static ClickHouseServer Shared => shared.Value;

    /// <param name="queryLog">Keeps system.query_log (the benches' statement profile); off for tests.</param>
    public ClickHouseServer(bool queryLog = false)
    {
        this.queryLog = queryLog;
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: ./test.sh installs Debian's clickhouse-server; run it, or apt-get install clickhouse-server.");
        directory = Directory.CreateTempSubdirectory("analytics-clickhouse-").FullName;
        HttpPort = FreePort();
        WriteConfig(FreePort());
        Start();
    }

    void WriteConfig(int tcpPort)
    {
        File.WriteAllText(Path.Combine(directory, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{directory}/server.log</log><errorlog>{directory}/error.log</errorlog><size>10M</size><count>1</count></logger>
              <http_port>{HttpPort}</http_port>
              <tcp_port>{tcpPort}</tcp_port>
              <listen_host>127.0.0.1</listen_host>
              <path>{directory}/data/</path>
              <tmp_path>{directory}/tmp/</tmp_path>
              <user_files_path>{directory}/user_files/</user_files_path>
              <format_schema_path>{directory}/format_schemas/</format_schema_path>
              <users_config>users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>UTC</timezone>
              <mark_cache_size>268435456</mark_cache_size>
              <uncompressed_cache_size>268435456</uncompressed_cache_size>
              <max_concurrent_queries>200</max_concurrent_queries>
              {(queryLog ? "<query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>" : "")}
            </yandex>
            """);
        File.WriteAllText(Path.Combine(directory, "users.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>4000000000</max_memory_usage><log_queries>{(queryLog ? 1 : 0)}</log_queries></default></profiles>
              <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
              <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
            </yandex>
            """);
    }

    public void Start()
    {
        var info = new ProcessStartInfo(Binary, $"--config-file={directory}/config.xml")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"clickhouse-server exited with {process.ExitCode}: {ReadLog()}");
            try
            {
                if (http.GetStringAsync($"http://127.0.0.1:{HttpPort}/?query=SELECT%201").Result.Trim() == "1") return;
            }
            catch (AggregateException)
            {
                Thread.Sleep(100);
            }
        }
        throw new TimeoutException($"clickhouse-server did not answer on port {HttpPort} within 60 s: {ReadLog()}");
    }

    /// <summary>Kills the server at once, the way an outage looks to the service.</summary>
    public void Kill()
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public async Task<string> QueryAsync(string sql)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync($"http://127.0.0.1:{HttpPort}/", new StringContent(sql));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(body);
        return body;
    }

    string ReadLog() => File.Exists(Path.Combine(directory, "error.log")) ? File.ReadAllText(Path.Combine(directory, "error.log")) : "(no log)";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { /* a file still held by the dying server: the temp dir is cleaned by the OS */ }
    }
}
