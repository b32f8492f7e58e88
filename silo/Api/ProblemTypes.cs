namespace MemOS.Silo.Api;

/// <summary>The stable <c>type</c> URIs of the API's problem details (RFC 9457). Clients branch on these, never on text.</summary>
public static class ProblemTypes
{
    /// <summary>A field is missing or invalid (400).</summary>
    public const string InvalidRequest = "urn:memos:problem:invalid-request";

    /// <summary>The body is not valid JSON or has the wrong shape (400).</summary>
    public const string MalformedBody = "urn:memos:problem:malformed-body";

    /// <summary>The body is larger than the silo accepts (413).</summary>
    public const string PayloadTooLarge = "urn:memos:problem:payload-too-large";

    /// <summary>The content type is not JSON (415).</summary>
    public const string UnsupportedMediaType = "urn:memos:problem:unsupported-media-type";

    /// <summary>The memory does not exist for this user (404).</summary>
    public const string NotFound = "urn:memos:problem:not-found";

    /// <summary>The route exists but not for this HTTP method (405).</summary>
    public const string MethodNotAllowed = "urn:memos:problem:method-not-allowed";

    /// <summary>If-Match names a version that is no longer current (412).</summary>
    public const string VersionConflict = "urn:memos:problem:version-conflict";

    /// <summary>An update came without If-Match (428).</summary>
    public const string PreconditionRequired = "urn:memos:problem:precondition-required";

    /// <summary>A remembered message came again with other content (409).</summary>
    public const string MessageConflict = "urn:memos:problem:message-conflict";

    /// <summary>The lifecycle state does not allow the operation (409).</summary>
    public const string InvalidTransition = "urn:memos:problem:invalid-transition";

    /// <summary>A concurrent write won; retry (409).</summary>
    public const string ConcurrencyConflict = "urn:memos:problem:concurrency-conflict";

    /// <summary>An embeddings request named a model the silo does not serve (404).</summary>
    public const string ModelNotFound = "urn:memos:problem:model-not-found";

    /// <summary>The embedder (a model or a remote embeddings endpoint) failed in a way retrying will not fix (502).</summary>
    public const string EmbedderFailed = "urn:memos:problem:embedder-failed";

    /// <summary>An internal cluster route was called without the cluster secret (401).</summary>
    public const string Unauthorized = "urn:memos:problem:unauthorized";

    /// <summary>Chat and activation memory need a generation model and the silo has none (503); the detail names the
    /// setting (<c>MemOS:Inference:ModelPath</c>).</summary>
    public const string InferenceUnavailable = "urn:memos:problem:inference-unavailable";

    /// <summary>A LoRA adapter was made for another base model than the silo's (409); the detail names both SHA-256s.</summary>
    public const string AdapterMismatch = "urn:memos:problem:adapter-mismatch";

    /// <summary>A transient failure; retry later (503).</summary>
    public const string Unavailable = "urn:memos:problem:unavailable";

    /// <summary>An unexpected failure (500).</summary>
    public const string Internal = "urn:memos:problem:internal";

    /// <summary>No key, or a key that is malformed, unknown or revoked (401).</summary>
    public const string Unauthenticated = "urn:memos:problem:unauthenticated";

    /// <summary>The caller lacks the right (403).</summary>
    public const string Forbidden = "urn:memos:problem:forbidden";

    /// <summary>A tenant, user, agent, key or space does not exist (404).</summary>
    public const string GovernanceNotFound = "urn:memos:problem:governance-not-found";

    /// <summary>A tenant, user, agent or space of that name already exists (409).</summary>
    public const string AlreadyExists = "urn:memos:problem:already-exists";
}
