using Analytics.Auth;
using Analytics.Sites;

namespace Analytics.Crm;

/// <summary>
/// The CRM import (README, "CRM import"): customers and orders by admins and marketers; contacts also by the
/// service role, whose people record the contacts.
/// </summary>
public static class CrmApi
{
    public static void AddCrm(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CrmLinkSink.Factory>();
        builder.Services.AddSingleton<CrmImport>();
    }

    public static void MapCrm(this WebApplication app)
    {
        var crm = app.MapGroup("/api/crm").RequireSiteAccess(); // ?site=KEY: members only, 404 otherwise
        crm.MapPost("/customers", (HttpContext http, CrmImport import) => import.HandleAsync(http, CustomersEntity.Instance, "customer_id"))
            .RequireAuthorization(Roles.Marketer);
        crm.MapPost("/orders", (HttpContext http, CrmImport import) => import.HandleAsync(http, OrdersEntity.Instance, "order_id"))
            .RequireAuthorization(Roles.Marketer);
        crm.MapPost("/contacts", (HttpContext http, CrmImport import) => import.HandleAsync(http, ContactsEntity.Instance, "contact_id"))
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketer, Roles.Service));
    }
}
