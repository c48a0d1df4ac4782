using Analytics.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Analytics.Shared;

/// <summary>
/// The OpenAPI document of the whole API at <c>/openapi/v1.json</c> (ASP.NET Core's own generator): every mapped
/// endpoint, the bearer token as its security scheme. Readable with any person's token (not a metrics token): it
/// holds no data, but the API is not public either.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    public static void AddApiDocument(this IServiceCollection services) => services.AddOpenApi("v1", options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Analytics API",
                Version = "v1",
                Description = "Self-hosted web analytics: collection, sites and users, imports, CRM, customers and reports. "
                    + "Every endpoint but the tracker's takes `Authorization: Bearer TOKEN`.",
            };
            document.AddComponent(BearerTokenHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token (the admin token, or one issued by POST /api/users/{id}/tokens). Its role decides what it opens.",
            });
            return Task.CompletedTask;
        });
        // Anonymous endpoints (the tracker's, health) need no token; every other one names the bearer scheme.
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerTokenHandler.SchemeName, context.Document)] = [] });
            return Task.CompletedTask;
        });
    });

    /// <summary>Maps <c>/openapi/{documentName}.json</c>: the one document is <c>v1</c>.</summary>
    public static void MapApiDocument(this WebApplication app) => app.MapOpenApi().RequireAuthorization(Roles.AnyUser);
}
