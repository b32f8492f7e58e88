using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MemOS.Silo.Dashboard;

/// <summary>Serves <c>GET /dashboard</c>: one self-contained HTML page (no external scripts, styles or fonts) that
/// polls <c>GET /v1/admin/overview</c> every 2 s and shows silos, activations, MemCubes by state, kind and tenant,
/// scheduler activity and recent lifecycle events.</summary>
public static partial class DashboardEndpoints
{
    /// <summary>The route of the page.</summary>
    public const string Route = "/dashboard";

    /// <summary>The name of the page in the silo assembly's manifest resources.</summary>
    public const string ResourceName = "MemOS.Silo.Dashboard.dashboard.html";

    private static readonly Lazy<DashboardPage> Page = new(DashboardPage.Load);

    /// <summary>Maps <see cref="Route"/>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static RouteHandlerBuilder MapDashboard(this IEndpointRouteBuilder app)
        => app.MapGet(Route, ServePage)
            .WithTags("operations")
            .WithSummary("The operator dashboard: an HTML page over GET /v1/admin/overview.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");

    private static IResult ServePage(HttpContext http)
    {
        var page = Page.Value;
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = page.ContentSecurityPolicy;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Bytes(page.Html, "text/html; charset=utf-8");
    }

    /// <summary>The page and a Content-Security-Policy that lets only its own inline script and style run and lets
    /// it fetch only from this origin (its icon is a data: URI).</summary>
    private sealed record DashboardPage(byte[] Html, string ContentSecurityPolicy)
    {
        public static DashboardPage Load()
        {
            using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"The dashboard page resource {ResourceName} is missing from the silo assembly.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var html = reader.ReadToEnd();
            var csp = "default-src 'none'; "
                + $"script-src {Hashes(ScriptBlock().Matches(html))}; "
                + $"style-src {Hashes(StyleBlock().Matches(html))}; "
                + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            return new DashboardPage(Encoding.UTF8.GetBytes(html), csp);
        }

        // A CSP hash covers the exact text between the tags, so it is taken from the same string that is served.
        private static string Hashes(MatchCollection blocks) => blocks.Count == 0
            ? "'none'"
            : string.Join(' ', blocks.Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'"));
    }

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
