using Analytics.Auth;

namespace Analytics.Tools;

/// <summary>Tools for site owners and operators (marketer, admin).</summary>
public static class ToolsApi
{
    public static void MapTools(this WebApplication app)
    {
        var tools = app.MapGroup("/api/tools").RequireAuthorization(Roles.Marketer);
        tools.MapPost("/enrich", EnrichTool.HandleAsync);
    }
}
