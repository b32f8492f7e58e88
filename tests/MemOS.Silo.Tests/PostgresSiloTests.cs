using System.Net;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Runtime.Storage;
using MemOS.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MemOS.Silo.Tests;

/// <summary>The REST API end to end on a silo whose grain state lives in PostgreSQL (<c>ConnectionStrings:MemOS</c>),
/// across a silo restart on the same database.</summary>
public sealed class PostgresSiloTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RestApi_OnPostgres_AddSearchUpdateDeleteThenRestart_KeepsEveryAcknowledgedChange()
    {
        var connectionString = database.ConnectionString;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "memos-silo-pg-" + Guid.NewGuid().ToString("N")[..10]);
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        string kept, updated, deleted;

        await using (var silo = await StartAsync(dataDirectory, connectionString))
        {
            Assert.IsType<PostgresGrainStorage>(silo.Services.GetRequiredService<IGrainStorage>());
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            using var client = new MemOSClient(http);

            var added = await client.AddAsync(new AddMemoriesRequest(user,
            [
                new ConversationMessage("D1:1", "Caroline", "I went to an LGBTQ support group yesterday and it was powerful.", May8),
                new ConversationMessage("D1:2", "Melanie", "That sounds great! I'm painting a sunrise over the lake.", May8),
                new ConversationMessage("D1:3", "Caroline", "I want to study counseling and mental health next year.", May8.AddMinutes(2)),
            ], "conv-1"), Ct);
            Assert.Equal(3, added.Memories.Count);
            (deleted, updated, kept) = (added.Memories[0].Memory.Id, added.Memories[1].Memory.Id, added.Memories[2].Memory.Id);

            var search = await client.SearchAsync(new SearchRequest(user, "What did Caroline want to study?"), Ct);
            Assert.Equal(kept, search.Hits[0].Id);

            // If-Match: the current version wins, a stale one is refused and changes nothing.
            var changed = await client.UpdateAsync(user, updated, new MemoryUpdate(Text: "Melanie is painting a mountain at dusk."), 2, Ct);
            Assert.Equal(3, changed.Version);
            var stale = await Assert.ThrowsAsync<MemOSApiException>(() =>
                client.UpdateAsync(user, updated, new MemoryUpdate(Text: "lost update"), 2, Ct));
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

            await client.DeleteAsync(user, deleted, cancellationToken: Ct);
            var gone = await Assert.ThrowsAsync<MemOSApiException>(() => client.GetAsync(user, deleted, Ct));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // Nothing went to SQLite: the data folder was not even created.
        Assert.False(Directory.Exists(dataDirectory), $"{dataDirectory} exists although storage is PostgreSQL");
        Assert.True(await CountRowsAsync(connectionString) > 0, "no grain state rows in PostgreSQL");

        await using (var restarted = await StartAsync(dataDirectory, connectionString))
        {
            using var http = new HttpClient { BaseAddress = restarted.BaseAddress };
            using var client = new MemOSClient(http);

            var study = await client.SearchAsync(new SearchRequest(user, "counseling mental health"), Ct);
            Assert.Equal(kept, study.Hits[0].Id);
            var mountain = await client.SearchAsync(new SearchRequest(user, "mountain dusk"), Ct);
            Assert.Equal(updated, mountain.Hits[0].Id);
            Assert.Equal(3, (await client.GetAsync(user, updated, Ct)).Version);
            Assert.Equal("Melanie is painting a mountain at dusk.", (await client.GetAsync(user, updated, Ct)).Text);
            var gone = await Assert.ThrowsAsync<MemOSApiException>(() => client.GetAsync(user, deleted, Ct));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            var support = await client.SearchAsync(new SearchRequest(user, "LGBTQ support group"), Ct);
            Assert.DoesNotContain(support.Hits, h => h.Id == deleted);
            var history = await client.GetHistoryAsync(user, updated, Ct);
            Assert.Equal(["created", "activated", "updated"], history.Versions.Select(v => v.Change));
        }
    }

    private static Task<EmbeddedSilo> StartAsync(string dataDirectory, string connectionString)
        => EmbeddedSilo.StartAsync(dataDirectory, configure: b => b.Configuration[$"ConnectionStrings:{SiloOptions.ConnectionStringName}"] = connectionString,
            cancellationToken: Ct);

    private static async Task<long> CountRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM memos_grain_state;", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
