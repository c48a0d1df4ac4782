using System.Net;
using System.Net.Http.Json;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Sites;

/// <summary>Two instances of the service on one database: a membership changed on one is in force on the other after its reload.</summary>
public abstract class MembershipReloadTests(Engine engine)
{
    sealed class Instance(Engine engine, string database) : ApiFactory(engine, database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:TokenReloadInterval", "00:00:00.200")];
    }

    [Fact]
    public async Task A_membership_added_or_ended_on_one_instance_holds_at_once_there_and_after_the_reload_on_the_other()
    {
        var database = TestPaths.NewDatabase();
        await using var first = new Instance(engine, database);
        first.CreateClient(); // starts it: the schema is applied once, before the second instance starts
        await using var second = new Instance(engine, database);
        var site = await first.CreateSiteAsync("two.example");
        var user = await Users.CreateAsync(first, "marketer");
        async Task<HttpStatusCode> SiteAsync(ApiFactory api) => (await api.As(user.Token).GetAsync($"/api/sites/{site}")).StatusCode;

        await second.Services.GetRequiredService<Analytics.Sites.SiteStore>().LoadAsync(CancellationToken.None); // the site, made on the first
        await Eventually.UntilAsync(async () => await SiteAsync(second) == HttpStatusCode.NotFound, TimeSpan.FromSeconds(15), "the second instance to know the user");

        Assert.Equal(HttpStatusCode.Created, (await first.Admin().PostAsJsonAsync($"/api/sites/{site}/members", new { user_id = user.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await SiteAsync(first));
        await Eventually.UntilAsync(async () => await SiteAsync(second) == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "the second instance to see the membership");

        Assert.Equal(HttpStatusCode.NoContent, (await first.Admin().DeleteAsync($"/api/sites/{site}/members/{user.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await SiteAsync(first));
        await Eventually.UntilAsync(async () => await SiteAsync(second) == HttpStatusCode.NotFound, TimeSpan.FromSeconds(15), "the second instance to end the membership");
    }
}

public sealed class MembershipReloadTestsEmbedded() : MembershipReloadTests(Engine.Embedded);
public sealed class MembershipReloadTestsServer() : MembershipReloadTests(Engine.Server);
