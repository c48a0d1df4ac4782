using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Auth;

/// <summary>Two instances of the service on one database: a token revoked through one stops working on the other.</summary>
public abstract class TokenReloadTests(Engine engine)
{
    sealed class Instance(Engine engine, string database) : ApiFactory(engine, database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:TokenReloadInterval", "00:00:00.200")];
    }

    [Fact]
    public async Task A_token_revoked_on_one_instance_is_refused_by_the_other_after_its_reload()
    {
        var database = TestPaths.NewDatabase();
        await using var first = new Instance(engine, database);
        first.CreateClient(); // starts it: the schema is applied once, before the second instance starts
        await using var second = new Instance(engine, database);

        var name = "marketer-" + Guid.NewGuid().ToString("N");
        var created = await first.Admin().PostAsJsonAsync("/api/users", new { name, role = "marketer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        var tokenId = body.GetProperty("token_id").GetString()!;

        Assert.True(await StatusBecomesAsync(second, token, HttpStatusCode.OK), "the second instance never accepted the new token");
        Assert.Equal(HttpStatusCode.NoContent, (await first.Admin().DeleteAsync($"/api/users/tokens/{tokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(first, token));
        Assert.True(await StatusBecomesAsync(second, token, HttpStatusCode.Unauthorized), "the second instance still accepts the revoked token");
    }

    static async Task<HttpStatusCode> MeAsync(ApiFactory api, string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/me")).StatusCode;
    }

    static async Task<bool> StatusBecomesAsync(ApiFactory api, string token, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await MeAsync(api, token) == expected) return true;
            await Task.Delay(50);
        }
        return false;
    }
}

public sealed class TokenReloadTestsEmbedded() : TokenReloadTests(Engine.Embedded);
public sealed class TokenReloadTestsServer() : TokenReloadTests(Engine.Server);
