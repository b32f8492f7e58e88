using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Runtime;
using MemOS.Silo.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MemOS.Silo.Auth;

/// <summary>ASP.NET Core authentication of <c>Authorization: Bearer &lt;key&gt;</c>: the cluster admin key
/// (<see cref="AuthOptions.AdminKey"/>, compared in constant time) or a tenant API key, checked by the tenant's
/// governance grain (<see cref="ITenantGrain.AuthenticateAsync"/>), so a revoked key is refused on the next request.
/// In open mode a request without a key is the admin of the <c>default</c> tenant. Refusals are RFC 9457 problem
/// details: 401 with <c>WWW-Authenticate: Bearer</c>, 403 for a missing right.</summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth,
    IGrainFactory grains,
    IProblemDetailsService problems,
    ApiKeyAuthenticationHandler.OpenModeTenant openTenant)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private static readonly Caller OpenModeCaller = new(MemCubeKeys.DefaultTenant, Caller.OpenModePrincipal, TenantRole.Admin);

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            if (auth.Value.RequiresKeys)
            {
                return AuthenticateResult.NoResult();
            }

            await openTenant.EnsureCreatedAsync(Context.RequestAborted);

            return Success(OpenModeCaller);
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <key>'.");
        }

        var key = header["Bearer ".Length..].Trim();
        if (auth.Value.AdminKey is { Length: > 0 } adminKey
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(adminKey)))
        {
            return Success(Caller.ClusterAdmin);
        }

        if (!ApiKeyFormat.TryParse(key, out var tenant, out var keyId, out var secret))
        {
            return AuthenticateResult.Fail("The API key is not a MemOS key.");
        }

        var caller = await grains.GetGrain<ITenantGrain>(tenant).AuthenticateAsync(keyId, secret, Context.RequestAborted);
        if (caller is null)
        {
            LogRefused(Logger, tenant, keyId);
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        return Success(caller);
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = 401,
                Type = ProblemTypes.Unauthenticated,
                Title = "Unauthenticated",
                Detail = result.Failure?.Message ?? "This silo requires 'Authorization: Bearer <key>' (a tenant API key or the cluster admin key).",
            },
        });
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = 403, Type = ProblemTypes.Forbidden, Title = "Forbidden", Detail = "This route needs the cluster admin key.",
            },
        });
    }

    private AuthenticateResult Success(Caller caller)
        => AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.ToPrincipal(caller), CallerClaims.Scheme));

    /// <summary>Creates the open mode's <c>default</c> tenant on the first request of this silo (then costs nothing).</summary>
    /// <param name="grains">The grain factory.</param>
    public sealed class OpenModeTenant(IGrainFactory grains)
    {
        private volatile bool _created;

        /// <summary>Makes sure the tenant exists.</summary>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <returns>A task that completes when it exists.</returns>
        public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
        {
            if (!_created)
            {
                await grains.GetGrain<ITenantGrain>(MemCubeKeys.DefaultTenant).EnsureCreatedAsync(cancellationToken);
                _created = true;
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Refused API key {KeyId} of tenant {Tenant}: unknown, revoked or wrong")]
    private static partial void LogRefused(ILogger logger, string tenant, string keyId);
}
