using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Cluster;

/// <summary>
/// <see cref="IClusterTransport"/> over HTTP/JSON: grain calls go to <see cref="ClusterRoutes.GrainCallPattern"/> and
/// membership notices to <see cref="ClusterRoutes.RefreshPath"/> of the target silo's endpoint, with the cluster secret
/// in <see cref="ClusterOptions.SecretHeader"/>. One pooled <see cref="HttpClient"/> serves every target; the trace
/// context (<c>traceparent</c>) flows with each request.
/// </summary>
public sealed class HttpClusterTransport : IClusterTransport, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly ClusterSecret _secret;
    private readonly ClusterOptions _options;
    private readonly Func<string> _localSiloId;

    /// <summary>Creates the transport.</summary>
    /// <param name="options">The call timeout.</param>
    /// <param name="secret">The cluster secret sent with every request.</param>
    /// <param name="localSiloId">The id of this silo (sent for diagnostics), read when a request is sent.</param>
    /// <param name="handler">The HTTP handler (tests pass their own); a pooled <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="handler"/> is null.</exception>
    public HttpClusterTransport(IOptions<ClusterOptions> options, ClusterSecret secret, Func<string> localSiloId, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(localSiloId);
        _options = options.Value;
        _secret = secret;
        _localSiloId = localSiloId;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <inheritdoc />
    /// <remarks>Runs under <see cref="ClusterOptions.CallTimeout"/>.</remarks>
    public async Task<ReadOnlyMemory<byte>> InvokeAsync(
        ClusterMember target, string grainType, string method, int hops, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var message = Request(target, ClusterRoutes.GrainCallPath(grainType, method));
        message.Headers.TryAddWithoutValidation(ClusterRoutes.HopsHeader, hops.ToString(CultureInfo.InvariantCulture));
        message.Content = new ReadOnlyMemoryContent(request);
        message.Content.Headers.ContentType = Json;
        using var response = await SendAsync(target, message, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task NotifyMembershipChangedAsync(ClusterMember target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var message = Request(target, ClusterRoutes.RefreshPath.TrimStart('/'));
        using var response = await SendAsync(target, message, _options.NotifyTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(ClusterMember target, string path)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(target.Endpoint, path));
        message.Headers.TryAddWithoutValidation(ClusterOptions.SecretHeader, _secret.Value ?? "");
        message.Headers.TryAddWithoutValidation(ClusterRoutes.SourceSiloHeader, _localSiloId());
        return message;
    }

    private async Task<HttpResponseMessage> SendAsync(ClusterMember target, HttpRequestMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            // A connection that was never established carried nothing; anything later may have delivered the call.
            var delivered = exception.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError);
            throw new ClusterTransportException(
                $"Silo {target.SiloId} at {target.Endpoint} could not be reached: {exception.Message}", delivered, isTransient: true, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClusterTransportException(
                $"Silo {target.SiloId} at {target.Endpoint} did not answer within {timeout.TotalSeconds:0.#} s.", delivered: true, isTransient: true, exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (detail.Length > 300)
            {
                detail = detail[..300];
            }

            // 503: the silo is stopping and refused the call before running it.
            throw new ClusterTransportException(
                $"Silo {target.SiloId} at {target.Endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}",
                delivered: response.StatusCode != HttpStatusCode.ServiceUnavailable,
                isTransient: (int)response.StatusCode >= 500);
        }
    }
}
