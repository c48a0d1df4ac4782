using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Auth.SignIn;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sites;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Analytics.Tests.Auth;

/// <summary>
/// People sign in to the dashboard: an invitation sets a password, the session is a cookie, state changes with the
/// cookie need the anti-forgery header, repeated failures lock the account, a deactivation or password change ends
/// sessions, a role change holds at once, and a one-time sign-in link works once.
/// </summary>
public abstract class SignInTests(SignInTests.Api api)
{
    public class Api(Engine engine) : ApiFactory(engine)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Auth:MaxFailedSignIns", "3"), new("Auth:Lockout", "00:00:02"), new("Auth:TokenReloadInterval", "00:00:00.200"), new("Auth:SignInAttemptsPerMinute", AttemptsPerMinute)];

        protected virtual string AttemptsPerMinute => "1000";
    }

    sealed class FewAttempts(Engine engine) : Api(engine)
    {
        protected override string AttemptsPerMinute => "4";
    }

    [Fact]
    public async Task One_address_gets_a_few_sign_in_attempts_a_minute_whatever_the_logins()
    {
        await using var strict = new FewAttempts(api.Engine);
        var client = strict.CreateClient();
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/signin", new { login = $"guess{i}@shop.example", password = Password })).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/api/auth/signin", new { login = "guess9@shop.example", password = Password })).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/auth/link?token=ln_guess")).StatusCode);
    }

    const string Password = "correct horse battery";

    HttpClient Browser() => api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    async Task<(string Id, string Login, HttpClient Browser)> InvitedAndSignedInAsync(string role)
    {
        var user = await Users.CreateAsync(api, role);
        var login = $"{role}-{Guid.NewGuid():N}@shop.example";
        var invited = await api.Admin().PostAsJsonAsync($"/api/users/{user.Id}/invitation", new { login });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var invitation = await invited.Content.ReadFromJsonAsync<JsonElement>();
        var token = invitation.GetProperty("token").GetString()!;
        Assert.EndsWith($"/invite#token={token}", invitation.GetProperty("url").GetString());

        var browser = Browser();
        var weak = await browser.PostAsJsonAsync("/api/auth/invitations/accept", new { token, password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Equal("password", (await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        var accepted = await browser.PostAsJsonAsync("/api/auth/invitations/accept", new { token, password = Password });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var cookie = accepted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CookieSessions.CookieName + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
        Assert.Equal(HttpStatusCode.BadRequest, (await Browser().PostAsJsonAsync("/api/auth/invitations/accept", new { token, password = Password })).StatusCode); // once only
        return (user.Id, login, browser);
    }

    static async Task<string> CsrfAsync(HttpClient browser) =>
        (await browser.GetFromJsonAsync<JsonElement>("/api/auth/csrf")).GetProperty("token").GetString()!;

    [Fact]
    public async Task An_invited_user_sets_a_password_signs_in_with_a_cookie_and_signs_out()
    {
        var (id, login, invited) = await InvitedAndSignedInAsync("marketer");
        var me = await invited.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(id, me.GetProperty("id").GetString());
        Assert.Equal("marketer", me.GetProperty("role").GetString());

        var browser = Browser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
        var wrong = await browser.PostAsJsonAsync("/api/auth/signin", new { login, password = "not the password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsJsonAsync("/api/auth/signin", new { login = "nobody@shop.example", password = Password })).StatusCode);
        var signedIn = await browser.PostAsJsonAsync("/api/auth/signin", new { login, password = Password });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("marketer", (await browser.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/users")).StatusCode); // the role decides, as with a token

        var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signout");
        signOut.Headers.Add(CookieSessions.CsrfHeader, await CsrfAsync(browser));
        var signedOut = await browser.SendAsync(signOut);
        Assert.True(signedOut.StatusCode == HttpStatusCode.NoContent, $"{(int)signedOut.StatusCode}: {await signedOut.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_state_change_with_the_cookie_needs_the_anti_forgery_header_and_a_token_does_not()
    {
        var (_, _, admin) = await InvitedAndSignedInAsync("admin");
        var site = new { name = "Cookie shop", domains = new[] { "cookie.example" } };
        var forged = await admin.PostAsJsonAsync("/api/sites", site);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(CookieSessions.CsrfHeader, (await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/api/sites") { Content = JsonContent.Create(site) };
        wrongToken.Headers.Add(CookieSessions.CsrfHeader, "not-a-token");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendAsync(wrongToken)).StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/sites") { Content = JsonContent.Create(site) };
        request.Headers.Add(CookieSessions.CsrfHeader, await CsrfAsync(admin));
        Assert.Equal(HttpStatusCode.Created, (await admin.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.Admin().PostAsJsonAsync("/api/sites", site)).StatusCode); // bearer: no cookie, no header needed
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_for_a_while_even_against_the_right_password()
    {
        var (_, login, _) = await InvitedAndSignedInAsync("privacy_officer");
        var browser = Browser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsJsonAsync("/api/auth/signin", new { login, password = "wrong password 1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsJsonAsync("/api/auth/signin", new { login, password = "wrong password 2" })).StatusCode);
        var third = await browser.PostAsJsonAsync("/api/auth/signin", new { login, password = "wrong password 3" });
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var right = await browser.PostAsJsonAsync("/api/auth/signin", new { login, password = Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
        await Eventually.UntilAsync(async () => (await browser.PostAsJsonAsync("/api/auth/signin", new { login, password = Password })).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "the lockout to end");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Deactivation_and_a_password_change_end_sessions_and_a_role_change_holds_at_once()
    {
        var (id, login, first) = await InvitedAndSignedInAsync("marketer");
        var second = Browser();
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsJsonAsync("/api/auth/signin", new { login, password = Password })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().PutAsJsonAsync($"/api/users/{id}/role", new { role = "privacy_officer" })).StatusCode);
        Assert.Equal("privacy_officer", (await first.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Admin().PutAsJsonAsync($"/api/users/{id}/role", new { role = "owner" })).StatusCode);

        var change = new HttpRequestMessage(HttpMethod.Put, "/api/auth/password") { Content = JsonContent.Create(new { current_password = "wrong one", new_password = "another good passphrase" }) };
        change.Headers.Add(CookieSessions.CsrfHeader, await CsrfAsync(first));
        Assert.Equal(HttpStatusCode.BadRequest, (await first.SendAsync(change)).StatusCode);
        change = new HttpRequestMessage(HttpMethod.Put, "/api/auth/password") { Content = JsonContent.Create(new { current_password = Password, new_password = "another good passphrase" }) };
        change.Headers.Add(CookieSessions.CsrfHeader, await CsrfAsync(first));
        Assert.Equal(HttpStatusCode.NoContent, (await first.SendAsync(change)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/me")).StatusCode); // the session that changed it goes on
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/me")).StatusCode); // every other one ends
        Assert.Equal(HttpStatusCode.Unauthorized, (await Browser().PostAsJsonAsync("/api/auth/signin", new { login, password = Password })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Browser().PostAsJsonAsync("/api/auth/signin", new { login, password = "another good passphrase" })).StatusCode);
    }

    [Fact]
    public async Task A_sign_in_link_signs_in_once_and_a_login_belongs_to_one_user()
    {
        var (id, login, _) = await InvitedAndSignedInAsync("service");
        var other = await Users.CreateAsync(api, "marketer");
        var taken = await api.Admin().PostAsJsonAsync($"/api/users/{other.Id}/invitation", new { login });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Admin().PostAsJsonAsync($"/api/users/{other.Id}/invitation", new { login = "a b" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().PostAsJsonAsync("/api/users/nobody/signin-link", new { })).StatusCode);

        var issued = await api.Admin().PostAsJsonAsync($"/api/users/{id}/signin-link", new { });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var url = new Uri((await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
        var browser = Browser();
        var followed = await browser.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, followed.StatusCode);
        Assert.Equal("/", followed.Headers.Location?.OriginalString);
        Assert.Equal(id, (await browser.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Browser().GetAsync(url.PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(other.Token).PostAsJsonAsync($"/api/users/{id}/signin-link", new { })).StatusCode);
    }
}

public sealed class SignInApiEmbedded() : SignInTests.Api(Engine.Embedded);
public sealed class SignInApiServer() : SignInTests.Api(Engine.Server);
public sealed class SignInTestsEmbedded(SignInApiEmbedded api) : SignInTests(api), IClassFixture<SignInApiEmbedded>;
public sealed class SignInTestsServer(SignInApiServer api) : SignInTests(api), IClassFixture<SignInApiServer>;
