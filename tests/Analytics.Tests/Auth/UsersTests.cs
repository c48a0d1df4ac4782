using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Auth;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sites;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Auth;

/// <summary>Users are records of their own (id, name, role, deactivated) with any number of tokens each.</summary>
public abstract class UsersTests(ApiFactory api)
{
    static async Task<HttpStatusCode> MeAsync(ApiFactory api, string token) => (await api.As(token).GetAsync("/api/me")).StatusCode;

    async Task<JsonElement> ListedAsync(string userId) =>
        (await api.Admin().GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray().Single(u => u.GetProperty("id").GetString() == userId);

    [Fact]
    public async Task A_user_has_several_tokens_and_revoking_one_keeps_the_others()
    {
        var name = "service-" + Guid.NewGuid().ToString("N");
        var created = await api.Admin().PostAsJsonAsync("/api/users", new { name, role = "service" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = user.GetProperty("id").GetString()!;
        Assert.Equal(name, user.GetProperty("name").GetString());
        Assert.Equal("service", user.GetProperty("role").GetString());
        var tokens = new List<(string Id, string Token)> { (user.GetProperty("token_id").GetString()!, user.GetProperty("token").GetString()!) };
        for (var i = 0; i < 2; i++)
        {
            var issued = await api.Admin().PostAsync($"/api/users/{id}/tokens", null);
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
            tokens.Add((body.GetProperty("token_id").GetString()!, body.GetProperty("token").GetString()!));
        }
        Assert.Equal(3, tokens.Select(t => t.Token).Distinct().Count());
        foreach (var (_, token) in tokens)
        {
            var me = await api.As(token).GetFromJsonAsync<JsonElement>("/api/me");
            Assert.Equal(id, me.GetProperty("id").GetString());
            Assert.Equal("service", me.GetProperty("role").GetString());
        }

        var listed = await ListedAsync(id);
        Assert.Equal(tokens.Select(t => t.Id).Order(), listed.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("token_id").GetString()).Order());
        Assert.False(listed.GetProperty("deactivated").GetBoolean());
        var everything = await api.Admin().GetStringAsync("/api/users");
        Assert.All(tokens, t => { Assert.DoesNotContain(t.Token, everything); Assert.DoesNotContain(TokenStore.Hash(t.Token), everything); });

        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/users/tokens/{tokens[1].Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(api, tokens[1].Token));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(api, tokens[0].Token));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(api, tokens[2].Token));
        Assert.Equal(2, (await ListedAsync(id)).GetProperty("tokens").GetArrayLength()); // read back from ClickHouse
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().DeleteAsync($"/api/users/tokens/{tokens[1].Id}")).StatusCode);
    }

    [Fact]
    public async Task A_deactivated_user_loses_every_token_and_gets_no_new_one()
    {
        var user = await Users.CreateAsync(api, "marketer");
        var second = (await (await api.Admin().PostAsync($"/api/users/{user.Id}/tokens", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/users/{user.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(api, user.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(api, second));
        Assert.True((await ListedAsync(user.Id)).GetProperty("deactivated").GetBoolean());
        var refused = await api.Admin().PostAsync($"/api/users/{user.Id}/tokens", null);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("id", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        // A fresh load from ClickHouse agrees: the deactivation is stored, not only cached.
        await api.Services.GetRequiredService<TokenStore>().LoadAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(api, second));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().PostAsync("/api/users/no-such-user/tokens", null)).StatusCode);
    }

    [Fact]
    public async Task A_token_from_before_users_existed_is_a_user_of_its_own_that_can_be_made_a_member_and_given_more_tokens()
    {
        // A row as migration 0003 wrote it: no user id.
        var token = "at_legacy" + Guid.NewGuid().ToString("N");
        var hash = TokenStore.Hash(token);
        var name = "old-marketer-" + Guid.NewGuid().ToString("N");
        var then = DateTimeOffset.UtcNow.AddDays(-30);
        await api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO api_tokens (token_hash, user_name, role, created_at, updated_at, revoked) VALUES ({hash}, {name}, 'marketer', {then}, {then}, 0)
            """), CancellationToken.None);
        await api.Services.GetRequiredService<TokenStore>().LoadAsync(CancellationToken.None);

        var me = await api.As(token).GetFromJsonAsync<JsonElement>("/api/me");
        var id = me.GetProperty("id").GetString()!;
        Assert.Equal(name, me.GetProperty("name").GetString());
        Assert.Equal("marketer", me.GetProperty("role").GetString());
        var listed = await ListedAsync(id);
        Assert.Equal(hash[..12], listed.GetProperty("tokens")[0].GetProperty("token_id").GetString());

        var site = await api.CreateSiteAsync("legacy.example");
        Assert.Equal(HttpStatusCode.NotFound, (await api.As(token).GetAsync($"/api/sites/{site}")).StatusCode);
        await Users.AddMemberAsync(api, site, id);
        Assert.Equal(HttpStatusCode.OK, (await api.As(token).GetAsync($"/api/sites/{site}")).StatusCode);

        var issued = await api.Admin().PostAsync($"/api/users/{id}/tokens", null);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var second = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/users/tokens/{hash[..12]}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(api, token));
        // The user outlives its first token, memberships and all, also after a reload from ClickHouse.
        await api.Services.GetRequiredService<TokenStore>().LoadAsync(CancellationToken.None);
        Assert.Equal(id, (await api.As(second).GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.As(second).GetAsync($"/api/sites/{site}")).StatusCode);
    }

    [Fact]
    public async Task The_admin_token_of_the_environment_keeps_working_and_sees_every_site()
    {
        var site = await api.CreateSiteAsync("env-admin.example");
        var me = await api.Admin().GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("admin", me.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.Admin().GetAsync($"/api/sites/{site}")).StatusCode);
        var admin = await Users.CreateAsync(api, "admin");
        Assert.Equal(HttpStatusCode.OK, (await api.As(admin.Token).GetAsync($"/api/sites/{site}")).StatusCode);
        var listed = await api.As(admin.Token).GetFromJsonAsync<JsonElement>("/api/sites");
        Assert.Contains(site, listed.EnumerateArray().Select(s => s.GetProperty("key").GetString()));
    }
}

public sealed class UsersTestsEmbedded(EmbeddedApi api) : UsersTests(api), IClassFixture<EmbeddedApi>;
public sealed class UsersTestsServer(ServerApi api) : UsersTests(api), IClassFixture<ServerApi>;
