using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Operations;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Interfaces.Serialization;
using MemOS.Runtime;
using Polly;
using Polly.Retry;

namespace MemOS.Client;

/// <summary>The .NET client of the MemOS REST API (<c>/v1</c>). Thread-safe; one instance per application is enough.</summary>
/// <remarks>
/// <para>Every method throws <see cref="MemOSApiException"/> when the silo answers with an error (the
/// <see cref="ApiProblem.Type"/> says which), <see cref="MemOSConnectionException"/> when it cannot be reached, and
/// <see cref="OperationCanceledException"/> when cancelled.</para>
/// <para>Of a cluster (<see cref="MemOSClient(MemOSClientOptions, HttpMessageHandler?)"/>), the client knows several
/// gateways and, with <see cref="MemOSClientOptions.RouteToOwner"/>, the membership: it sends each user's requests to
/// the silo that owns the user's MemScheduler, by the same rendezvous hashing the silos place grains with
/// (<see cref="RendezvousHash"/>), and any silo it cannot reach is skipped until the membership is read again.
/// Transient failures are retried with exponential back-off (Polly): any request whose connection could not be made,
/// and, on a 503 or 429 or a connection lost after sending, the requests that are safe to repeat (reads, searches,
/// updates and deletes, and adds that carry a conversation id, whose message ids make a repeat a no-op).</para>
/// </remarks>
public sealed class MemOSClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri[] _gateways;
    private readonly MemOSClientOptions _options;
    private readonly ResiliencePipeline _retryAny;
    private readonly ResiliencePipeline _retryUnsent;
    private readonly SemaphoreSlim _membershipLock = new(1, 1);
    private readonly ConcurrentDictionary<Uri, DateTimeOffset> _unreachable = new();
    private readonly string? _tenant;
    private volatile Routing? _routing;
    private int _gateway;

    /// <summary>Creates a client for the silo at <paramref name="baseAddress"/>: every request goes there (a silo of a
    /// cluster forwards what it does not own), transient failures are retried.</summary>
    /// <param name="baseAddress">The silo's base address, e.g. <c>http://127.0.0.1:5080/</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="baseAddress"/> is null.</exception>
    /// <param name="apiKey">The API key to send (<see cref="MemOSClientOptions.ApiKey"/>), or null.</param>
    public MemOSClient(Uri baseAddress, string? apiKey = null)
        : this(new MemOSClientOptions { Gateways = [baseAddress ?? throw new ArgumentNullException(nameof(baseAddress))], RouteToOwner = false, ApiKey = apiKey })
    {
    }

    /// <summary>Creates a client over an existing <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is
    /// the silo: every request goes there once, without retries (the caller's handlers decide).</summary>
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
        _gateways = [WithSlash(httpClient.BaseAddress)];
        _options = new MemOSClientOptions { Gateways = _gateways, RouteToOwner = false, MaxRetries = 0 };
        _retryAny = _retryUnsent = ResiliencePipeline.Empty;
    }

    /// <summary>Creates a client of a silo cluster.</summary>
    /// <param name="options">The gateways, routing and retry settings.</param>
    /// <param name="handler">The HTTP handler (for custom authentication or tests); a pooled
    /// <see cref="SocketsHttpHandler"/> when null. Disposed with the client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">No gateway, a gateway that is not an absolute http(s) URL, a negative retry
    /// count, or a delay or timeout that is not positive.</exception>
    public MemOSClient(MemOSClientOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Gateways is not { Count: > 0 } gateways || gateways.Any(static g => g is null || !g.IsAbsoluteUri || g.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException("At least one gateway is needed, each an absolute http or https URL.", nameof(options));
        }

        if (options.MaxRetries < 0 || options.RetryDelay <= TimeSpan.Zero || options.RequestTimeout <= TimeSpan.Zero
            || options.MembershipRefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("MaxRetries must be non-negative; RetryDelay, RequestTimeout and MembershipRefreshInterval positive.", nameof(options));
        }

        _options = options;
        _gateways = [.. gateways.Select(WithSlash)];
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = options.RequestTimeout,
        };
        _ownsHttp = true;
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.ApiKey);
            _tenant = ApiKeyFormat.TryParse(options.ApiKey, out var tenant, out _, out _) ? tenant : null;
        }

        _retryAny = CreateRetry(options, onlyUnsent: false);
        _retryUnsent = CreateRetry(options, onlyUnsent: true);
    }

    /// <summary>The first gateway: the silo's base address for a client of one silo.</summary>
    public Uri BaseAddress => _http.BaseAddress ?? _gateways[0];

    /// <summary>Remembers messages for a user (<c>POST /v1/memories</c>); all-or-nothing.</summary>
    /// <param name="request">The user, messages and optional conversation id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memories built, in message order.</returns>
    public Task<AddMemoriesResponse> AddAsync(AddMemoriesRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/memories", request, MemOSJsonContext.Default.AddMemoriesRequest,
            MemOSJsonContext.Default.AddMemoriesResponse, null, request?.User, idempotent: request?.ConversationId is not null, cancellationToken);

    /// <summary>Searches a user's memories (<c>POST /v1/search</c>).</summary>
    /// <param name="request">The user, query, topK and optional token budget.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The hits.</returns>
    public Task<SearchResponse> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/search", request, MemOSJsonContext.Default.SearchRequest,
            MemOSJsonContext.Default.SearchResponse, null, request?.User, idempotent: true, cancellationToken);

    /// <summary>Gets one memory (<c>GET /v1/memories/{id}</c>); its <see cref="MemoryRecord.Version"/> is the ETag to update with.</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memory.</returns>
    public Task<MemoryRecord> GetAsync(string user, string id, CancellationToken cancellationToken = default)
        => SendAsync<object, MemoryRecord>(HttpMethod.Get, MemoryPath(id, user), null, null,
            MemOSJsonContext.Default.MemoryRecord, null, user, idempotent: true, cancellationToken);

    /// <summary>Gets one memory as it was at a transaction time (<c>GET /v1/memories/{id}?asOf=</c>, the Time Machine):
    /// the last version recorded at or before <paramref name="asOf"/>.</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="asOf">The transaction time.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memory as visible then (its <see cref="MemoryRecord.Version"/> is that version's number).</returns>
    /// <exception cref="MemOSApiException">404 when the memory did not exist yet at <paramref name="asOf"/>, does not
    /// exist or was erased.</exception>
    public Task<MemoryRecord> GetAsOfAsync(string user, string id, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => SendAsync<object, MemoryRecord>(HttpMethod.Get,
            MemoryPath(id, user) + "&asOf=" + Uri.EscapeDataString(asOf.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            null, null, MemOSJsonContext.Default.MemoryRecord, null, user, idempotent: true, cancellationToken);

    /// <summary>Archives a memory to the MemVault (<c>POST /v1/memories/{id}/archive</c>): search no longer finds it
    /// until it is restored; get and history still do.</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="expectedVersion">The version read (sent as <c>If-Match</c>), or null for whatever the version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The archived memory.</returns>
    /// <exception cref="MemOSApiException">404, 409 (<c>currentState</c> says why: not Activated), 412 when stale.</exception>
    public Task<MemoryRecord> ArchiveAsync(string user, string id, long? expectedVersion = null, CancellationToken cancellationToken = default)
        => SendAsync<object, MemoryRecord>(HttpMethod.Post, MemoryPath(id, user, "/archive"), null, null,
            MemOSJsonContext.Default.MemoryRecord, expectedVersion, user, idempotent: expectedVersion is not null, cancellationToken);

    /// <summary>Restores an archived memory from the MemVault (<c>POST /v1/memories/{id}/restore</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="expectedVersion">The version read (sent as <c>If-Match</c>), or null for whatever the version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memory, active again.</returns>
    /// <exception cref="MemOSApiException">404, 409 when it is not archived, 412 when stale.</exception>
    public Task<MemoryRecord> RestoreAsync(string user, string id, long? expectedVersion = null, CancellationToken cancellationToken = default)
        => SendAsync<object, MemoryRecord>(HttpMethod.Post, MemoryPath(id, user, "/restore"), null, null,
            MemOSJsonContext.Default.MemoryRecord, expectedVersion, user, idempotent: expectedVersion is not null, cancellationToken);

    /// <summary>Restores an earlier version's content as a new version if the memory is still at
    /// <paramref name="expectedVersion"/> (<c>POST /v1/memories/{id}/rollback</c> with <c>If-Match</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="toVersion">The version whose text, tags, entities and valid time to restore.</param>
    /// <param name="expectedVersion">The version read (a 412 <see cref="MemOSApiException"/> if it is no longer current).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The memory at its new version.</returns>
    /// <exception cref="MemOSApiException">400 for a version that is not an earlier one, 404, 409 when the memory's state
    /// allows no change, 412 when stale.</exception>
    public Task<MemoryRecord> RollbackAsync(
        string user, string id, long toVersion, long expectedVersion, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, MemoryPath(id, null, "/rollback"), new RollbackMemoryRequest(user, toVersion),
            MemOSJsonContext.Default.RollbackMemoryRequest, MemOSJsonContext.Default.MemoryRecord, expectedVersion, user, idempotent: true, cancellationToken);

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
            MemOSJsonContext.Default.UpdateMemoryRequest, MemOSJsonContext.Default.MemoryRecord, expectedVersion, user, idempotent: true, cancellationToken);

    /// <summary>Erases a memory (<c>DELETE /v1/memories/{id}</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="expectedVersion">The version read, or null to erase whatever the version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when erased.</returns>
    public Task DeleteAsync(string user, string id, long? expectedVersion = null, CancellationToken cancellationToken = default)
        => SendAsync<object, object>(HttpMethod.Delete, MemoryPath(id, user), null, null, null, expectedVersion, user, idempotent: true, cancellationToken);

    /// <summary>Gets a memory's versions, oldest first (<c>GET /v1/memories/{id}/history</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="id">The memory id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The history.</returns>
    public Task<MemoryHistory> GetHistoryAsync(string user, string id, CancellationToken cancellationToken = default)
        => SendAsync<object, MemoryHistory>(HttpMethod.Get, MemoryPath(id, user, "/history"), null, null,
            MemOSJsonContext.Default.MemoryHistory, null, user, idempotent: true, cancellationToken);

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
            null, null, MemOSJsonContext.Default.ReembedResponse, null, user, idempotent: true, cancellationToken);
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
            MemOSJsonContext.Default.ChatResponse, null, request?.User, idempotent: false, cancellationToken);

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
            MemOSJsonContext.Default.ActivationRecord, null, request?.User, idempotent: true, cancellationToken);

    /// <summary>Asks for a parameter MemCube: a LoRA adapter trained on some memories' texts by the silo's worker
    /// (<c>POST /v1/memories/parameterize</c>).</summary>
    /// <param name="request">The user, the memory ids and optionally the rank and steps.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The parameter MemCube: <see cref="ParameterState.Pending"/> or <see cref="ParameterState.Training"/>
    /// until its adapter is written (poll <see cref="GetParametersAsync"/>), or <see cref="ParameterState.Ready"/>.</returns>
    /// <exception cref="MemOSApiException">The silo answered with a problem (400 for bad input, 404 for an unknown
    /// memory, 503 without a generation model).</exception>
    public Task<ParameterRecord> ParameterizeAsync(ParameterizeRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/memories/parameterize", request, MemOSJsonContext.Default.ParameterizeRequest,
            MemOSJsonContext.Default.ParameterRecord, null, request?.User, idempotent: true, cancellationToken);

    /// <summary>Lists a user's parameter MemCubes, oldest first (<c>GET /v1/memories/parameters</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The parameter MemCubes in every state.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> is empty.</exception>
    /// <exception cref="MemOSApiException">The silo answered with a problem.</exception>
    public async Task<IReadOnlyList<ParameterRecord>> GetParametersAsync(string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var list = await SendAsync<object, ParameterList>(HttpMethod.Get, "v1/memories/parameters?user=" + Uri.EscapeDataString(user),
            null, null, MemOSJsonContext.Default.ParameterList, null, user, idempotent: true, cancellationToken);
        return list.Parameters;
    }

    /// <summary>Lists a user's activation MemCubes, oldest first (<c>GET /v1/memories/activations</c>).</summary>
    /// <param name="user">The owning user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The activations in every state.</returns>
    /// <exception cref="MemOSApiException">The silo answered with a problem.</exception>
    public async Task<IReadOnlyList<ActivationRecord>> GetActivationsAsync(string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var list = await SendAsync<object, ActivationList>(HttpMethod.Get, "v1/memories/activations?user=" + Uri.EscapeDataString(user),
            null, null, MemOSJsonContext.Default.ActivationList, null, user, idempotent: true, cancellationToken);
        return list.Activations;
    }

    /// <summary>Creates a tenant and its first admin user (<c>POST /v1/tenants</c>; needs the cluster admin key).</summary>
    /// <param name="tenant">The tenant name.</param>
    /// <param name="admin">The first user's name (the tenant's admin).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The admin's API key (shown once).</returns>
    /// <exception cref="MemOSApiException">401/403 without the cluster admin key, 409 when the tenant exists.</exception>
    public Task<IssuedApiKey> CreateTenantAsync(string tenant, string admin, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/tenants", new CreateTenantRequest(tenant, admin), MemOSJsonContext.Default.CreateTenantRequest,
            MemOSJsonContext.Default.IssuedApiKey, null, null, idempotent: false, cancellationToken);

    /// <summary>Adds a user or agent to a tenant (<c>POST /v1/tenants/{tenant}/users</c>; needs a tenant admin key).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="request">The name, role and kind.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Its API key (shown once).</returns>
    /// <exception cref="MemOSApiException">403 without the admin role, 409 when the name is taken.</exception>
    public Task<IssuedApiKey> AddPrincipalAsync(string tenant, CreatePrincipalRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, $"v1/tenants/{Uri.EscapeDataString(tenant)}/users", request, MemOSJsonContext.Default.CreatePrincipalRequest,
            MemOSJsonContext.Default.IssuedApiKey, null, null, idempotent: false, cancellationToken);

    /// <summary>Lists a tenant's users and agents (<c>GET /v1/tenants/{tenant}/users</c>; tenant admin).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The principals.</returns>
    public Task<PrincipalList> ListPrincipalsAsync(string tenant, CancellationToken cancellationToken = default)
        => SendAsync<object, PrincipalList>(HttpMethod.Get, $"v1/tenants/{Uri.EscapeDataString(tenant)}/users", null, null,
            MemOSJsonContext.Default.PrincipalList, null, null, idempotent: true, cancellationToken);

    /// <summary>Erases a user (<c>DELETE /v1/tenants/{tenant}/users/{user}</c>; tenant admin): its keys and grants, its
    /// private space and the memories it wrote in shared spaces.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="user">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was erased.</returns>
    public Task<ErasureReport> EraseUserAsync(string tenant, string user, CancellationToken cancellationToken = default)
        => SendAsync<object, ErasureReport>(HttpMethod.Delete, $"v1/tenants/{Uri.EscapeDataString(tenant)}/users/{Uri.EscapeDataString(user)}",
            null, null, MemOSJsonContext.Default.ErasureReport, null, null, idempotent: true, cancellationToken);

    /// <summary>Revokes an API key (<c>DELETE /v1/tenants/{tenant}/keys/{keyId}</c>; tenant admin or the key's user).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="keyId">The key id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when revoked.</returns>
    public Task RevokeKeyAsync(string tenant, string keyId, CancellationToken cancellationToken = default)
        => SendAsync<object, object>(HttpMethod.Delete, $"v1/tenants/{Uri.EscapeDataString(tenant)}/keys/{Uri.EscapeDataString(keyId)}",
            null, null, null, null, null, idempotent: true, cancellationToken);

    /// <summary>Creates a shared space in the caller's tenant (<c>POST /v1/spaces</c>); the caller administers it.</summary>
    /// <param name="space">The space name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The space.</returns>
    public Task<SpaceRecord> CreateSpaceAsync(string space, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "v1/spaces", new CreateSpaceRequest(space), MemOSJsonContext.Default.CreateSpaceRequest,
            MemOSJsonContext.Default.SpaceRecord, null, null, idempotent: false, cancellationToken);

    /// <summary>Lists the shared spaces the caller can read (<c>GET /v1/spaces</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The spaces.</returns>
    public Task<SpaceList> ListSpacesAsync(CancellationToken cancellationToken = default)
        => SendAsync<object, SpaceList>(HttpMethod.Get, "v1/spaces", null, null, MemOSJsonContext.Default.SpaceList, null, null, idempotent: true, cancellationToken);

    /// <summary>Grants a right on a space (<c>POST /v1/spaces/{space}/grants</c>; needs the admin right on it).</summary>
    /// <param name="space">A shared space's name, or <c>u:{user}</c>.</param>
    /// <param name="principal">A user or agent of the tenant.</param>
    /// <param name="right">Read, write or admin.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The space with its grants.</returns>
    public Task<SpaceRecord> GrantAsync(string space, string principal, SpaceRight right, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, $"v1/spaces/{Uri.EscapeDataString(space)}/grants", new GrantRequest(principal, right),
            MemOSJsonContext.Default.GrantRequest, MemOSJsonContext.Default.SpaceRecord, null, null, idempotent: true, cancellationToken);

    /// <summary>Revokes a principal's grant on a space (<c>DELETE /v1/spaces/{space}/grants/{principal}</c>).</summary>
    /// <param name="space">The space.</param>
    /// <param name="principal">The principal.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The space with its grants.</returns>
    public Task<SpaceRecord> RevokeGrantAsync(string space, string principal, CancellationToken cancellationToken = default)
        => SendAsync<object, SpaceRecord>(HttpMethod.Delete, $"v1/spaces/{Uri.EscapeDataString(space)}/grants/{Uri.EscapeDataString(principal)}",
            null, null, MemOSJsonContext.Default.SpaceRecord, null, null, idempotent: true, cancellationToken);

    /// <summary>Erases a shared space and its memories (<c>DELETE /v1/spaces/{space}</c>; needs the admin right on it).</summary>
    /// <param name="space">The space name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was erased.</returns>
    public Task<ErasureReport> EraseSpaceAsync(string space, CancellationToken cancellationToken = default)
        => SendAsync<object, ErasureReport>(HttpMethod.Delete, $"v1/spaces/{Uri.EscapeDataString(space)}", null, null,
            MemOSJsonContext.Default.ErasureReport, null, null, idempotent: true, cancellationToken);

    /// <summary>Reads the caller's tenant's audit log, oldest first (<c>GET /v1/audit</c>; tenant admin).</summary>
    /// <param name="after">The <see cref="AuditPage.Next"/> of the previous page, or null from the start.</param>
    /// <param name="limit">At most this many (1-1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page; <see cref="AuditPage.Next"/> is the <paramref name="after"/> of the next one.</returns>
    public Task<AuditPage> GetAuditAsync(string? after = null, int limit = 100, CancellationToken cancellationToken = default)
        => SendAsync<object, AuditPage>(HttpMethod.Get,
            FormattableString.Invariant($"v1/audit?limit={limit}") + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), null, null,
            MemOSJsonContext.Default.AuditPage, null, null, idempotent: true, cancellationToken);

    /// <summary>Asks <c>/healthz</c> whether the silo serves requests.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when the silo answered 200.</returns>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(Gateway(), "healthz"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Reads the cluster's membership now (<c>GET /v1/cluster/members</c> of a gateway), as the client does by
    /// itself every <see cref="MemOSClientOptions.MembershipRefreshInterval"/> when it routes to owners.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The membership.</returns>
    public Task<ClusterMembers> GetMembersAsync(CancellationToken cancellationToken = default)
        => SendAsync<object, ClusterMembers>(HttpMethod.Get, "v1/cluster/members", null, null,
            MemOSJsonContext.Default.ClusterMembers, null, null, idempotent: true, cancellationToken);

    /// <summary>The silo a request of <paramref name="user"/> goes to now: the owner of the user's MemScheduler when
    /// the client routes to owners and knows the membership, else a gateway.</summary>
    /// <param name="user">The user.</param>
    /// <param name="cancellationToken">Cancels reading the membership.</param>
    /// <returns>The silo's base address.</returns>
    public async Task<Uri> ResolveAsync(string user, CancellationToken cancellationToken = default)
        => await TargetAsync(user, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _membershipLock.Dispose();
    }

    private static string MemoryPath(string id, string? user, string suffix = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var path = "v1/memories/" + Uri.EscapeDataString(id) + suffix;
        return user is null ? path : path + "?user=" + Uri.EscapeDataString(user);
    }

    private static Uri WithSlash(Uri address) => address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");

    private static bool IsRetryable(Exception exception, bool onlyUnsent) => exception switch
    {
        MemOSConnectionException { RequestSent: false } => true,
        MemOSConnectionException => !onlyUnsent,
        MemOSApiException { IsTransient: true } => !onlyUnsent,
        _ => false,
    };

    private ResiliencePipeline CreateRetry(MemOSClientOptions options, bool onlyUnsent)
    {
        if (options.MaxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsRetryable(e, onlyUnsent)),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is MemOSConnectionException { BaseAddress: { } failed })
                    {
                        // Skip that silo until the membership is read again, and read it again now.
                        _unreachable[failed] = DateTimeOffset.UtcNow + options.MembershipRefreshInterval;
                        _routing = null;
                        Interlocked.Increment(ref _gateway);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private Uri Gateway()
    {
        var now = DateTimeOffset.UtcNow;
        var start = Volatile.Read(ref _gateway);
        for (var i = 0; i < _gateways.Length; i++)
        {
            var gateway = _gateways[(int)((uint)(start + i) % _gateways.Length)];
            if (!_unreachable.TryGetValue(gateway, out var until) || until < now)
            {
                return gateway;
            }
        }

        return _gateways[(int)((uint)start % _gateways.Length)];
    }

    private async ValueTask<Uri> TargetAsync(string? user, CancellationToken cancellationToken)
    {
        var gateway = Gateway();
        if (!_options.RouteToOwner || user is null || !MemCubeKeys.IsValidName(user))
        {
            return gateway;
        }

        var routing = _routing;
        if (routing is null || routing.FetchedAt + _options.MembershipRefreshInterval < DateTimeOffset.UtcNow)
        {
            routing = await RefreshRoutingAsync(gateway, cancellationToken);
        }

        if (routing.PlacementSilos.Length == 0)
        {
            return gateway;
        }

        var owner = routing.PlacementSilos[RendezvousHash.Owner(
            MemCubeKeys.SchedulerGrainType, MemCubeKeys.Scheduler(_tenant ?? MemCubeKeys.DefaultTenant, user), routing.PlacementSilos)];
        return routing.Endpoints.TryGetValue(owner, out var endpoint)
               && !(_unreachable.TryGetValue(endpoint, out var until) && until >= DateTimeOffset.UtcNow)
            ? endpoint
            : gateway;
    }

    private async Task<Routing> RefreshRoutingAsync(Uri gateway, CancellationToken cancellationToken)
    {
        await _membershipLock.WaitAsync(cancellationToken);
        try
        {
            if (_routing is { } fresh && fresh.FetchedAt + _options.MembershipRefreshInterval >= DateTimeOffset.UtcNow)
            {
                return fresh;
            }

            Routing routing;
            try
            {
                var members = await SendOnceAsync<object, ClusterMembers>(
                    gateway, HttpMethod.Get, "v1/cluster/members", null, null, MemOSJsonContext.Default.ClusterMembers, null, cancellationToken);
                routing = members.Placement == ClusterMembers.RendezvousPlacement
                    ? new Routing(
                        DateTimeOffset.UtcNow,
                        [.. members.PlacementSilos],
                        members.Silos.Where(static s => s.Address.Length > 0 && Uri.IsWellFormedUriString(s.Address, UriKind.Absolute))
                            .ToDictionary(static s => s.Id, static s => WithSlash(new Uri(s.Address)), StringComparer.Ordinal))
                    : Routing.None;
            }
            catch (MemOSException)
            {
                // A silo without the route, or none reachable: use the gateways until the next refresh.
                routing = Routing.None;
            }

            _routing = routing;
            return routing;
        }
        finally
        {
            _membershipLock.Release();
        }
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType,
        JsonTypeInfo<TResponse>? responseType, long? ifMatchVersion, string? user, bool idempotent, CancellationToken cancellationToken)
    {
        var pipeline = idempotent ? _retryAny : _retryUnsent;
        return await pipeline.ExecuteAsync(
            async token => await SendOnceAsync(await TargetAsync(user, token), method, path, body, requestType, responseType, ifMatchVersion, token),
            cancellationToken);
    }

    private async Task<TResponse> SendOnceAsync<TRequest, TResponse>(
        Uri target, HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType,
        JsonTypeInfo<TResponse>? responseType, long? ifMatchVersion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(target, path));
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
            throw new MemOSConnectionException(target, e, requestSent: e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError));
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MemOSConnectionException(target, new TimeoutException($"No answer within {_http.Timeout.TotalSeconds:0.#} s.", e));
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

    private sealed record Routing(DateTimeOffset FetchedAt, string[] PlacementSilos, Dictionary<string, Uri> Endpoints)
    {
        public static Routing None => new(DateTimeOffset.UtcNow, [], []);
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
