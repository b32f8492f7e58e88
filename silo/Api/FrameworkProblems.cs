using Microsoft.AspNetCore.Http;

namespace MemOS.Silo.Api;

/// <summary>Gives the problem details that ASP.NET Core writes by itself (no route, wrong method, wrong content type,
/// body too large) the same stable <c>type</c>s and a <c>detail</c> as the API's own errors.</summary>
internal static class FrameworkProblems
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type is not null && !problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            return;
        }

        var request = context.HttpContext.Request;
        (problem.Type, var detail) = problem.Status switch
        {
            404 => (ProblemTypes.NotFound, $"No route matches {request.Method} {request.Path}; the API lives under /v1 (see /openapi/v1.json)."),
            405 => (ProblemTypes.MethodNotAllowed, $"{request.Method} is not allowed on {request.Path}."),
            413 => (ProblemTypes.PayloadTooLarge, "The request body is larger than the silo accepts (MemOS:Silo:MaxRequestBodyBytes)."),
            415 => (ProblemTypes.UnsupportedMediaType, "Send the body as application/json."),
            >= 500 => (ProblemTypes.Internal, "The silo failed to handle the request; see its log."),
            _ => (ProblemTypes.InvalidRequest, "The request is invalid."),
        };
        problem.Detail ??= detail;
    }
}
