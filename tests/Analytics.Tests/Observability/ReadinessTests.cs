using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Observability;

/// <summary>/readyz with ClickHouse away: everyone learns the status, only an admin learns why.</summary>
public sealed class ReadinessTests : IClassFixture<ReadinessTests.UnreachableApi>
{
    public sealed class UnreachableApi() : ApiFactory(Engine.Server)
    {
        // A port nothing listens on: every statement fails with a connection error naming the host and port.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("ANALYTICS_CLICKHOUSE", $"Host=127.0.0.1;Port={ClickHouseServer.FreePort()};Username=default;Password=")];
    }

    readonly UnreachableApi api;
    public ReadinessTests(UnreachableApi api) => this.api = api;

    [Fact]
    public async Task Anonymous_callers_get_the_status_without_the_error_and_admins_get_the_error()
    {
        var anonymous = await api.CreateClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
        var body = await anonymous.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("clickhouse").GetBoolean());
        Assert.True(!body.TryGetProperty("error", out var error) || error.ValueKind == JsonValueKind.Null, $"anonymous /readyz told: {body}");

        var admin = await api.Admin().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, admin.StatusCode);
        Assert.False(string.IsNullOrEmpty((await admin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
    }
}
