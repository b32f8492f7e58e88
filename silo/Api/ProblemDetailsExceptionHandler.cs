using System.Text.Json;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Inference.Embeddings;
using MemOS.Inference.Generation;
using MemOS.Inference.Lora;
using MemOS.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MemOS.Silo.Api;

/// <summary>Turns exceptions into RFC 9457 problem details with a stable <c>type</c> (see <see cref="ProblemTypes"/>).</summary>
internal sealed partial class ProblemDetailsExceptionHandler(
    IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Map(exception);
        if (problem.Status >= 500 && problem.Type != ProblemTypes.InferenceUnavailable) // a setting, not a failure
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    internal static ProblemDetails Map(Exception exception) => exception switch
    {
        RequestValidationException e => Validation(e.Field, e.Reason),
        BadHttpRequestException { StatusCode: 413 } e => Problem(413, ProblemTypes.PayloadTooLarge, "Request body too large", e.Message),
        BadHttpRequestException { StatusCode: 415 } e => Problem(415, ProblemTypes.UnsupportedMediaType, "Unsupported media type", e.Message),
        BadHttpRequestException e => Problem(e.StatusCode, ProblemTypes.MalformedBody, "Malformed request", Describe(e)),
        JsonException e => Problem(400, ProblemTypes.MalformedBody, "Malformed request", e.Message),
        AccessDeniedException e => Problem(403, ProblemTypes.Forbidden, "Forbidden", e.Message),
        GovernanceNotFoundException e => Problem(404, ProblemTypes.GovernanceNotFound, "Not found", e.Message),
        GovernanceConflictException e => Problem(409, ProblemTypes.AlreadyExists, "Already exists", e.Message),
        MemoryNotFoundException e => Problem(404, ProblemTypes.NotFound, "Memory not found", e.Message),
        VersionConflictException e => With(Problem(412, ProblemTypes.VersionConflict, "Version conflict", e.Message),
            "currentVersion", e.CurrentVersion),
        PreconditionRequiredException e => Problem(428, ProblemTypes.PreconditionRequired, "Precondition required", e.Message),
        MessageConflictException e => With(Problem(409, ProblemTypes.MessageConflict, "Message already remembered", e.Message),
            "existingMemoryId", e.ExistingCubeId),
        InvalidLifecycleTransitionException e => With(Problem(409, ProblemTypes.InvalidTransition, "Invalid lifecycle transition", e.Message),
            "currentState", e.Current.ToString()),
        InconsistentStateException e => Problem(409, ProblemTypes.ConcurrencyConflict, "Concurrent write", e.Message),
        ModelNotFoundException e => With(Problem(404, ProblemTypes.ModelNotFound, "Model not found", e.Message), "model", e.Served),
        InferenceUnavailableException e => With(Problem(503, ProblemTypes.InferenceUnavailable, "Inference unavailable", e.Message),
            "setting", "MemOS:Inference:ModelPath"),
        LoraAdapterMismatchException e => With(Problem(409, ProblemTypes.AdapterMismatch, "LoRA adapter for another model", e.Message),
            "expectedSha256", e.ExpectedSha256),
        EmbeddingException { IsTransient: false } e => Problem(502, ProblemTypes.EmbedderFailed, "Embedder failed", e.Message),
        ArgumentException e => Problem(400, ProblemTypes.InvalidRequest, "Invalid request", e.Message),
        MemOSException { IsTransient: true } e => Problem(503, ProblemTypes.Unavailable, "Temporarily unavailable", e.Message),
        _ => Problem(500, ProblemTypes.Internal, "Internal error", "The silo failed to handle the request; see its log."),
    };

    private static string Describe(BadHttpRequestException e)
        => e.InnerException is JsonException json ? $"{e.Message} {json.Message}" : e.Message;

    private static ProblemDetails Problem(int status, string type, string title, string detail)
        => new() { Status = status, Type = type, Title = title, Detail = detail };

    private static ProblemDetails With(ProblemDetails problem, string key, object value)
    {
        problem.Extensions[key] = value;
        return problem;
    }

    private static ProblemDetails Validation(string field, string reason)
    {
        var problem = Problem(400, ProblemTypes.InvalidRequest, "Invalid request", reason);
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [reason] };
        return problem;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled failure of {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
