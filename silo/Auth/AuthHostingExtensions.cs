using MemOS.Grains.Interfaces.Governance;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Auth;

/// <summary>Registers authentication (API keys, <see cref="ApiKeyAuthenticationHandler"/>) and the authorization
/// policies of the routes.</summary>
public static class AuthHostingExtensions
{
    /// <summary>The policy of the operator routes (<c>/v1/admin</c>): the cluster admin, or anyone in open mode.</summary>
    public const string OperatorPolicy = "memos-operator";

    /// <summary>Adds authentication and authorization, with <c>MemOS:Auth</c> settings and <c>MEMOS_ADMIN_KEY</c>.</summary>
    /// <param name="builder">The web application builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="OptionsValidationException">(At start) the admin key is shorter than
    /// <see cref="AuthOptions.MinAdminKeyLength"/>.</exception>
    public static WebApplicationBuilder AddMemOSAuth(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .PostConfigure(o => o.AdminKey = string.IsNullOrEmpty(o.AdminKey) ? configuration[AuthOptions.AdminKeyVariable] : o.AdminKey)
            .Validate(static o => string.IsNullOrEmpty(o.AdminKey) || o.AdminKey.Trim().Length >= AuthOptions.MinAdminKeyLength,
                $"The cluster admin key ({AuthOptions.AdminKeyVariable} or {AuthOptions.SectionName}:AdminKey) must be at least {AuthOptions.MinAdminKeyLength} characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyAuthenticationHandler.OpenModeTenant>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<MemOS.Silo.Api.ReadableSpaces>();
        builder.Services.AddAuthentication(CallerClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(CallerClaims.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, policy => policy.RequireAssertion(context =>
                context.User.HasClaim(CallerClaims.ClusterAdmin, "true")
                || context.User.HasClaim(CallerClaims.Principal, Caller.OpenModePrincipal)));
        return builder;
    }
}
