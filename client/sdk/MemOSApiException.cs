using System.Net;

namespace MemOS.Client;

/// <summary>The silo answered a request with an error status; <see cref="Problem"/> says why.</summary>
public sealed class MemOSApiException : MemOSException
{
    /// <summary>Creates the exception from the silo's answer.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="problem">The problem details body, or a synthesized one when the body was not problem details.</param>
    public MemOSApiException(HttpStatusCode statusCode, ApiProblem problem)
        : base($"{(int)statusCode} {problem.Title}: {problem.Detail}")
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem details.</summary>
    public ApiProblem Problem { get; }

    /// <summary><see langword="true"/> for 503 and 429: the same request may succeed later.</summary>
    public override bool IsTransient => StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests;
}
