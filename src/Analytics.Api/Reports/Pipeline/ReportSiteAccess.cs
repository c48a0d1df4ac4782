using Analytics.Sites;
using Mediator;

namespace Analytics.Reports.Pipeline;

/// <summary>
/// First behaviour: the report's site must be one the caller may see (<see cref="SiteAccess"/>: admins all, others
/// their memberships). Anything else answers exactly like a key no site has (404). Without a key the request goes
/// on, and validation names the missing <c>site</c>.
/// </summary>
public sealed class ReportSiteAccess<TMessage, TResponse>(SiteAccess access) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IReportRequest, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        if (message.Input.Site is not { Length: > 0 } key) return await next(message, ct);
        if (await access.FindAsync(message.User, key, ct) is not { } site)
            throw new ReportRefusal(SiteAccess.NotFound(key), "unknown site");
        return await next((TMessage)message.WithSite(site), ct);
    }
}
