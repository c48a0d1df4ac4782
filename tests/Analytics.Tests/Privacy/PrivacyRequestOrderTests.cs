using Analytics.Privacy.Requests;

namespace Analytics.Tests.Privacy;

/// <summary>The request list's order: open requests first, the overdue among them before the rest, each by due date.</summary>
public sealed class PrivacyRequestOrderTests
{
    static PrivacyRequest Request(string id, string status, long received) =>
        new(id, "site", "access", "", "visitor_id", "", "", received, received + 30 * 86400, status, "", "", received, 1);

    [Fact]
    public void Open_and_overdue_requests_come_first()
    {
        const long now = 100 * 86400;
        var requests = new[]
        {
            Request("done-old", "completed", now - 50 * 86400), Request("failed", "failed", now - 86400),
            Request("late", "queued", now - 40 * 86400), Request("later", "running", now - 31 * 86400),
            Request("new", "running", now - 3600), Request("newer", "queued", now - 60),
        };
        Assert.Equal(["late", "later", "new", "newer", "failed", "done-old"],
            PrivacyRequestStore.OpenAndOverdueFirst(requests.Reverse(), now).Select(r => r.RequestId));
        Assert.True(requests[2].IsOverdue(now));
        Assert.False(requests[0].IsOverdue(now)); // past due, but done
    }
}
