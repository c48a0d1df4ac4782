namespace Analytics.Storage;

/// <summary>Completes once the schema is in place; the writer and /readyz wait for it.</summary>
public sealed class SchemaReady
{
    readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public bool IsReady => ready.Task.IsCompletedSuccessfully;
    public void Set() => ready.TrySetResult();
    public Task WaitAsync(CancellationToken ct) => ready.Task.WaitAsync(ct);
}

/// <summary>
/// Applies migrations at start. The embedded engine is local, so a failure stops the start with its reason;
/// a ClickHouse server may be briefly away, so the service starts anyway (events spool) and keeps trying.
/// </summary>
public sealed class SchemaStartup(SchemaMigrations migrations, IClickHouse clickHouse, SchemaReady ready, ILogger<SchemaStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (clickHouse is Server.ServerClickHouse server)
        {
            try
            {
                await server.EnsureDatabaseAsync(ct);
                await migrations.ApplyAsync(ct);
                ready.Set();
            }
            catch (ClickHouseException e)
            {
                logger.LogWarning("ClickHouse is not reachable at start ({Error}); accepting events into the spool meanwhile", e.Message);
                _ = Task.Run(() => RetryUntilAppliedAsync(CancellationToken.None), CancellationToken.None);
            }
            return;
        }
        await migrations.ApplyAsync(ct);
        ready.Set();
    }

    async Task RetryUntilAppliedAsync(CancellationToken ct)
    {
        for (var delay = TimeSpan.FromMilliseconds(200); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks)))
        {
            try
            {
                await ((Server.ServerClickHouse)clickHouse).EnsureDatabaseAsync(ct);
                await migrations.ApplyAsync(ct);
                ready.Set();
                return;
            }
            catch (ClickHouseException e)
            {
                logger.LogWarning("ClickHouse is not reachable for the schema yet ({Error}); retrying in {Delay} ms", e.Message, (int)delay.TotalMilliseconds);
            }
            await Task.Delay(delay, ct);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
