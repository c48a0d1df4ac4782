using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Analytics.Bench.Ingest;

/// <summary>
/// Baseline A: the cheapest Kestrel endpoint that still reads the body, on the same framework and GC settings as
/// the service, in its own process like the service. What the service costs beyond it is the price of collect.
/// </summary>
internal static class EmptyEndpoint
{
    /// <summary>The child process's entry: <c>empty-endpoint PORT</c>.</summary>
    public static int Run(string[] args)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{int.Parse(args[0])}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok());
        app.MapPost("/collect", async (HttpRequest request) =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted) > 0) { }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return Results.Accepted();
        });
        app.Run();
        return 0;
    }

    public static Task<ChildProcess> StartAsync()
    {
        var port = BenchSupport.FreePort();
        var log = Path.Combine(Path.GetTempPath(), $"analytics-bench-empty-endpoint-{port}.log");
        return ChildProcess.StartAsync("empty endpoint", typeof(EmptyEndpoint).Assembly.Location, ["empty-endpoint", port.ToString()],
            port, new Dictionary<string, string>(), log, "healthz", TimeSpan.FromSeconds(30));
    }
}
