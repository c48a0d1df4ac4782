namespace Analytics.Shared;

/// <summary>problem+json answers that name the field at fault, the shape every refusal of this API has.</summary>
public static class Problems
{
    public static IResult Field(int status, string title, string detail, string field) =>
        TypedResults.Problem(
            statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = new[] { new Dictionary<string, string> { ["field"] = field, ["message"] = detail } },
            });
}
