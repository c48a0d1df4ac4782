using System.Text.Json.Serialization;

namespace Analytics.Auth;

/// <summary>A row of <c>api_tokens</c>; <c>user_id</c> is empty for a token from before users existed.</summary>
public sealed record TokenRow(string TokenHash, string UserName, string Role, string UserId, long Created);

/// <summary>A row of <c>users</c>.</summary>
public sealed record UserRow(string UserId, string Name, string Role, long Created, int Deactivated);

[JsonSerializable(typeof(TokenRow))]
[JsonSerializable(typeof(UserRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class AuthJson : JsonSerializerContext;
