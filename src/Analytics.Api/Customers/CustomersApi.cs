using Analytics.Auth;
using Analytics.Sites;

namespace Analytics.Customers;

/// <summary>The customer list and the 360-degree view (README "Customers", docs/customers.md): marketers, service and admins, members of the site.</summary>
public static class CustomersApi
{
    public static void AddCustomers(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CustomerOptions>().BindConfiguration("Customers")
            .Validate(o => o.AbcA > 0 && o.AbcA <= o.AbcB && o.AbcB <= 1, "Customers:AbcA and AbcB must satisfy 0 < AbcA <= AbcB <= 1.")
            .Validate(o => o.AbcCacheSeconds >= 0, "Customers:AbcCacheSeconds must not be negative.")
            .Validate(o => o.AbcMonths >= 1, "Customers:AbcMonths must be at least 1.")
            .Validate(o => o.LifetimeYears > 0, "Customers:LifetimeYears must be positive.")
            .Validate(o => o.OrderSnapshotInterval >= TimeSpan.Zero, "Customers:OrderSnapshotInterval must not be negative.")
            .Validate(o => o.PostPurchaseWindow > TimeSpan.Zero, "Customers:PostPurchaseWindow must be a positive time span (e.g. 30.00:00:00).")
            .ValidateOnStart();
        builder.Services.AddSingleton<CustomerRankings>();
        builder.Services.AddSingleton<CustomerOrderSnapshots>();
        builder.Services.AddSingleton<CustomerTotals>();
    }

    public static void MapCustomers(this WebApplication app)
    {
        var customers = app.MapGroup("/api/customers").RequireSiteAccess() // ?site=KEY: members only, 404 otherwise
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketer, Roles.Service));
        customers.MapGet("/", CustomerListEndpoint.HandleAsync);
        customers.MapGet("/{id}", CustomerViewEndpoint.HandleAsync);
    }
}
