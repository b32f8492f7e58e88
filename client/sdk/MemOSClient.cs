using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Interfaces.Serialization;

namespace MemOS.Client;

/// <summary>The .NET client of the MemOS REST API (<c>/v1</c>). Thread-safe; one instance per silo (or gateway) is enough.</summary>
/// <remarks>Every method throws <see cref="MemOSApiException"/> when the silo answers with an error (the
/// <see cref="ApiProblem.Type"/> says which), <see cref="MemOSConnectionException"/> when it cannot be reached, and
/// <see cref="OperationCanceledException"/> when cancelled.</remarks>
public sealed class MemOSClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a client for the silo at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The silo's base address, e.g. <c>http://127.0.0.1:5080/</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="baseAddress"/> is null.</exception>
    public MemOSClient(Uri baseAddress)
        : this(new HttpClient { BaseAddress = baseAddress ?? throw new ArgumentNullException(nameof(baseAddress)) }, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a client over an existing <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the silo.</summary>
    /// <param name="httpClient">The HTTP client; not disposed by this client unless <paramref name="ownsHttpClient"/>.</param>
    /// <param name="ownsHttpClient">Whether <see cref="Dispose"/> disposes <paramref name="httpClient"/>.</param>
    /// <exception cref="ArgumentException">The HTTP client has no base address.</exception>
    public MemOSClient(HttpClient httpClient, bool ownsHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress (the silo's address).", nameof(httpClient));
        }

        _http = httpClient;
        _ownsHttp = ownsHttpClient;
    }

    /// <summary>The silo's base address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Remembers messages for a user (<c>POST /v1/memories</c>); all-or-nothing.</summary>
    /// <param name="request">The user, messages and optional conversation id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memories built, in message order.</returns>
    public Task<AddMemoriesResponse> AddAsync(AddMemoriesRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/memories", request, MemOSJsonContext.Default.AddMemoriesRequest,
            MemOSJsonContext.Default.AddMemoriesResponse, null, cancellationToken);

    /// <summary>Searches a user's memories (<c>POST /v1/search</c>).</summary>
    /// <param name="request">The user, query, topK and optional token budget.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The hits.</returns>
    public Task<SearchResponse> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/search", request, MemOSJsonContext.Default.SearchRequest,
            MemOSJsonContext.Default.SearchResponse, null, cancellationToken);

    /// <summary>Gets one memory (<c>GET /v1/memories/{id}</c>); its <see cref="MemoryRecord.Version"/> is the ETag to update with.</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memory.</returns>
    public Task<MemoryRecord> GetAsync(string user, string id, CancellationToken cancellationToken = default)
        => SendAsync<object, MemoryRecord>(HttpMethod.Get, MemoryPath(id, user), null, null,
            MemOSJsonContext.Default.MemoryRecord, null, cancellationToken);

    /// <summary>Updates a memory if it is still at <paramref name="expectedVersion"/> (<c>PATCH /v1/memories/{id}</c> with <c>If-Match</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="update">The fields to change.</param>
    /// <param name="expectedVersion">The version read (a 412 <see cref="MemOSApiException"/> if it is no longer current).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memory at its new version.</returns>
    public Task<MemoryRecord> UpdateAsync(
        string user, string id, MemoryUpdate update, long expectedVersion, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Patch, MemoryPath(id, null), new UpdateMemoryRequest(user, update),
            MemOSJsonContext.Default.UpdateMemoryRequest, MemOSJsonContext.Default.MemoryRecord, expectedVersion, cancellationToken);

    /// <summary>Erases a memory (<c>DELETE /v1/memories/{id}</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="expectedVersion">The version read, or null to erase whatever the version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when erased.</returns>
    public Task DeleteAsync(string user, string id, long? expectedVersion = null, CancellationToken cancellationToken = default)
        => SendAsync<object, object>(HttpMethod.Delete, MemoryPath(id, user), null, null, null, expectedVersion, cancellationToken);

    /// <summary>Gets a memory's versions, oldest first (<c>GET /v1/memories/{id}/history</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The history.</returns>
    public Task<MemoryHistory> GetHistoryAsync(string user, string id, CancellationToken cancellationToken = default)
        => SendAsync<object, MemoryHistory>(HttpMethod.Get, MemoryPath(id, user, "/history"), null, null,
            MemOSJsonContext.Default.MemoryHistory, null, cancellationToken);

    /// <summary>Re-embeds a user's memories whose vectors came from another embedder model than the silo's
    /// (<c>POST /v1/memories/reembed</c>), after an embedder change.</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many memories were re-embedded and the model they now carry.</returns>
    /// <exception cref="MemOSApiException">The silo answered with a problem.</exception>
    public Task<ReembedResponse> ReembedAsync(string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        return SendAsync<object, ReembedResponse>(HttpMethod.Post, "v1/memories/reembed?user=" + Uri.EscapeDataString(user),
            null, null, MemOSJsonContext.Default.ReembedResponse, null, cancellationToken);
    }

    /// <summary>Answers a message with the user's memories (<c>POST /v1/chat</c>): the silo retrieves them within the token
    /// budget and generates on its model, restoring the memory block's KV cache when an activation holds it.</summary>
    /// <param name="request">The user, the message and optional budget, length and sampling.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer, the memories used and their form (<c>activation</c> or <c>plaintext</c>), the time to first
    /// token.</returns>
    /// <exception cref="MemOSApiException">The silo answered with a problem: 400 for bad input, 503
    /// (<c>urn:memos:problem:inference-unavailable</c>) when it has no generation model.</exception>
    public Task<ChatResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/chat", request, MemOSJsonContext.Default.ChatRequest,
            MemOSJsonContext.Default.ChatResponse, null, cancellationToken);

    /// <summary>Asks for the activation (precomputed KV cache) of the block made of some memories
    /// (<c>POST /v1/memories/activate</c>).</summary>
    /// <param name="request">The user and 1-100 memory ids.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The activation MemCube: <see cref="ActivationState.Pending"/> until a worker has computed it (poll
    /// <see cref="GetActivationsAsync"/>), or <see cref="ActivationState.Ready"/>.</returns>
    /// <exception cref="MemOSApiException">The silo answered with a problem (404 for an unknown memory, 503 without a
    /// generation model).</exception>
    public Task<ActivationRecord> ActivateAsync(ActivateRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/memories/activate", request, MemOSJsonContext.Default.ActivateRequest,
            MemOSJsonContext.Default.ActivationRecord, null, cancellationToken);

    /// <summary>Lists a user's activation MemCubes, oldest first (<c>GET /v1/memories/activations</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The activations in every state.</returns>
    /// <exception cref="MemOSApiException">The silo answered with a problem.</exception>
    public async Task<IReadOnlyList<ActivationRecord>> GetActivationsAsync(string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var list = await SendAsync<object, ActivationList>(HttpMethod.Get, "v1/memories/activations?user=" + Uri.EscapeDataString(user),
            null, null, MemOSJsonContext.Default.ActivationList, null, cancellationToken);
        return list.Activations;
    }

    /// <summary>Asks <c>/healthz</c> whether the silo serves requests.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when the silo answered 200.</returns>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync("healthz", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static string MemoryPath(string id, string? user, string suffix = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var path = "v1/memories/" + Uri.EscapeDataString(id) + suffix;
        return user is null ? path : path + "?user=" + Uri.EscapeDataString(user);
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType,
        JsonTypeInfo<TResponse>? responseType, long? ifMatchVersion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null && requestType is not null)
        {
            request.Content = JsonContent.Create(body, requestType);
        }

        if (ifMatchVersion is { } version)
        {
            request.Headers.TryAddWithoutValidation("If-Match", "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new MemOSConnectionException(_http.BaseAddress, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(response, cancellationToken);
            }

            if (responseType is null)
            {
                return default!;
            }

            return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
                   ?? throw new MemOSException($"The silo answered {method} {path} with an empty body.");
        }
    }

    private static async Task<MemOSApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ApiProblem? problem = null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            problem = text.Length > 0 ? JsonSerializer.Deserialize(text, ClientJsonContext.Default.ApiProblem) : null;
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's HTML page, say): keep the raw text as the detail below.
        }

        problem ??= new ApiProblem(null, response.ReasonPhrase, (int)response.StatusCode, text.Length > 500 ? text[..500] : text, null);
        return new MemOSApiException(response.StatusCode, problem);
    }
}
