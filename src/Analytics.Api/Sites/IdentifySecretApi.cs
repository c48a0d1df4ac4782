using Microsoft.AspNetCore.Http.HttpResults;

namespace Analytics.Sites;

/// <summary>
/// PUT /api/sites/{key}/identify-secret (admin): sets or rotates the site's identify secret, or clears it with null
/// or "". Answers whether identifies must now be signed, never the secret.
/// </summary>
public static class IdentifySecretApi
{
    public static async Task<Results<Ok<IdentifySecretResponse>, ValidationProblem, NotFound>> SetAsync(
        string key, IdentifySecretRequest request, SiteStore store, CancellationToken ct)
    {
        var secret = request.IdentifySecret ?? "";
        if (secret.Length > 0 && !CreateSiteValidator.IsIdentifySecret(secret))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["identify_secret"] = [CreateSiteValidator.IdentifySecretRule] });
        return await store.SetIdentifySecretAsync(key, secret, ct) is { } site
            ? TypedResults.Ok(new IdentifySecretResponse(site.Key, site.IdentifySecret.Length > 0))
            : TypedResults.NotFound();
    }
}
