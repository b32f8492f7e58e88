using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MemOS.Silo.Hosting;

namespace MemOS.Silo.Tests.Governance;

/// <summary>A real silo (Kestrel, SQLite in a temp folder) that requires API keys: started with a cluster admin key.</summary>
public sealed class AuthSiloFixture : IAsyncLifetime
{
    public const string AdminKey = "test-cluster-admin-key-0123456789abcdef";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "memos-auth-tests-" + Guid.NewGuid().ToString("N")[..10]);

    public EmbeddedSilo Silo { get; private set; } = null!;

    public string DatabaseFile => Path.Combine(DataDirectory, "memos.db");

    public async ValueTask InitializeAsync()
        => Silo = await EmbeddedSilo.StartAsync(DataDirectory, configure: b =>
        {
            b.Configuration["MemOS:Auth:AdminKey"] = AdminKey;
            b.Configuration["MemOS:Silo:MaxRequestBodyBytes"] = "65536";
        });

    /// <summary>A client sending <paramref name="key"/> as its bearer token (none when null).</summary>
    public HttpClient ClientWith(string? key)
    {
        var http = new HttpClient { BaseAddress = Silo.BaseAddress };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    /// <summary>Creates a tenant with the cluster admin key; returns its admin's API key.</summary>
    public async Task<string> CreateTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        using var admin = ClientWith(AdminKey);
        using var response = await admin.PostAsJsonAsync("v1/tenants", new { tenant, admin = "boss" }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("apiKey").GetString()!;
    }

    /// <summary>Adds a user or agent with a tenant admin key; returns its API key.</summary>
    public async Task<string> AddPrincipalAsync(string adminKey, string tenant, string name, string role, string kind, CancellationToken cancellationToken)
    {
        using var admin = ClientWith(adminKey);
        using var response = await admin.PostAsJsonAsync($"v1/tenants/{tenant}/users", new { name, role, kind }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("apiKey").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
