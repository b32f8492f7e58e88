using System.Text;
using MemOS.Grains.Governance;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Runtime;
using MemOS.Testing;

namespace MemOS.Grains.Tests.Governance;

/// <summary>MemGovernance on the grain runtime: API keys are stored only as salted hashes and can be revoked; roles cap
/// rights; the MemScheduler checks its caller itself (whatever route called it); the audit log is gap-free across sealed
/// segments; erasure of a space's memories by owner.</summary>
public sealed class GovernanceGrainTests
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConversationMessage[] Messages(string speaker, params string[] texts)
        => [.. texts.Select((t, i) => new ConversationMessage("D1:" + (i + 1), speaker, t, May8))];

    [Fact]
    public async Task ApiKeys_AreStoredOnlyAsSaltedHashes_Authenticate_AndStopWorkingWhenRevoked()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        var tenant = host.Grains.GetGrain<ITenantGrain>("acme");
        var admin = await tenant.CreateAsync(Caller.ClusterAdmin, "boss", Ct);
        var member = await tenant.AddPrincipalAsync(AdminOf("acme", "boss"), "ana", PrincipalKind.User, TenantRole.Member, Ct);

        Assert.True(ApiKeyFormat.TryParse(member.ApiKey, out var keyTenant, out var keyId, out var secret));
        Assert.Equal(("acme", member.KeyId), (keyTenant, keyId));
        Assert.Equal(new Caller("acme", "ana", TenantRole.Member), await tenant.AuthenticateAsync(keyId, secret, Ct));
        Assert.Null(await tenant.AuthenticateAsync(keyId, secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), Ct));
        Assert.Null(await tenant.AuthenticateAsync("0000000000000000", secret, Ct));

        // Neither secret is in the stored state; their hashes are, each with its own salt.
        var stored = await StoredAsync(host, TenantGrain.GrainTypeName, TenantGrain.StateName, "acme");
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.True(ApiKeyFormat.TryParse(admin.ApiKey, out _, out _, out var adminSecret));
        Assert.DoesNotContain(adminSecret, stored, StringComparison.Ordinal);

        await Assert.ThrowsAsync<AccessDeniedException>(() => tenant.RevokeKeyAsync(new Caller("acme", "rita", TenantRole.Member), keyId, Ct));
        await tenant.RevokeKeyAsync(new Caller("acme", "ana", TenantRole.Member), keyId, Ct);
        Assert.Null(await tenant.AuthenticateAsync(keyId, secret, Ct));

        // Still refused after the grain is reactivated from storage.
        await host.DeactivateIdleAsync();
        Assert.Null(await tenant.AuthenticateAsync(keyId, secret, Ct));
        Assert.True(ApiKeyFormat.TryParse(admin.ApiKey, out _, out var adminKeyId, out _));
        Assert.NotNull(await tenant.AuthenticateAsync(adminKeyId, adminSecret, Ct));
    }

    [Fact]
    public async Task Scheduler_ChecksItsCaller_ReaderCannotWrite_OtherTenantCannotRead_GrantsOpenSharedSpaces()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        var tenant = host.Grains.GetGrain<ITenantGrain>("acme");
        await tenant.CreateAsync(Caller.ClusterAdmin, "boss", Ct);
        var boss = AdminOf("acme", "boss");
        await tenant.AddPrincipalAsync(boss, "ana", PrincipalKind.User, TenantRole.Member, Ct);
        await tenant.AddPrincipalAsync(boss, "rita", PrincipalKind.User, TenantRole.Reader, Ct);
        await tenant.AddPrincipalAsync(boss, "bot", PrincipalKind.Agent, TenantRole.Member, Ct);
        var ana = new Caller("acme", "ana", TenantRole.Member);
        var rita = new Caller("acme", "rita", TenantRole.Reader);
        var bot = new Caller("acme", "bot", TenantRole.Member);
        var stranger = new Caller("globex", "ana", TenantRole.Admin);

        var anaSpace = host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("acme", "ana"));
        await anaSpace.AddMessagesAsync("c1", Messages("Ana", "Ana keeps three beehives on the roof."), Ct, ana);
        var query = new MemorySearchQuery("beehives roof", 5, null);
        Assert.Single((await anaSpace.SearchAsync(query, Ct, ana)).Hits);
        Assert.Single((await anaSpace.SearchAsync(query, Ct, boss)).Hits);
        await Assert.ThrowsAsync<AccessDeniedException>(() => anaSpace.SearchAsync(query, Ct, stranger));
        await Assert.ThrowsAsync<AccessDeniedException>(() => anaSpace.SearchAsync(query, Ct, rita));
        await Assert.ThrowsAsync<AccessDeniedException>(() => anaSpace.SearchAsync(query, Ct, bot));

        // A reader reads its own space but never writes, even there.
        var ritaSpace = host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("acme", "rita"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => ritaSpace.AddMessagesAsync("c1", Messages("Rita", "Rita writes."), Ct, rita));
        Assert.Empty((await ritaSpace.SearchAsync(query, Ct, rita)).Hits);

        // A grant on ana's private space lets the bot read it, not write it; a grant to a reader is capped at read.
        await tenant.GrantAsync(ana, "u:ana", "bot", SpaceRight.Read, Ct);
        Assert.Single((await anaSpace.SearchAsync(query, Ct, bot)).Hits);
        await Assert.ThrowsAsync<AccessDeniedException>(() => anaSpace.AddMessagesAsync("c2", Messages("Bot", "The bot writes."), Ct, bot));
        var team = await tenant.CreateSpaceAsync(ana, "team", Ct);
        Assert.Equal(("ana", SpaceRight.Admin), (team.Owner, team.Right));
        await tenant.GrantAsync(ana, "team", "rita", SpaceRight.Write, Ct);
        Assert.Equal(SpaceRight.Read, await tenant.GetRightAsync(rita, "s:team", Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => tenant.GrantAsync(rita, "team", "bot", SpaceRight.Read, Ct));
        await Assert.ThrowsAsync<GovernanceNotFoundException>(() => tenant.GrantAsync(ana, "team", "nobody", SpaceRight.Read, Ct));

        // The shared space's cubes are owned by who wrote them; erasing by owner takes only theirs.
        await tenant.GrantAsync(ana, "team", "bot", SpaceRight.Write, Ct);
        var teamSpace = host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.SpaceScheduler("acme", "s:team"));
        var byAna = await teamSpace.AddMessagesAsync("t1", Messages("Ana", "Ana drafted the team charter."), Ct, ana);
        var byBot = await teamSpace.AddMessagesAsync("t2", Messages("Bot", "The bot summarised the retro."), Ct, bot);
        Assert.Equal("ana", byAna.Memories[0].Memory.OwnerId);
        Assert.Equal("bot", byBot.Memories[0].Memory.OwnerId);
        await Assert.ThrowsAsync<AccessDeniedException>(() => teamSpace.EraseAsync("ana", Ct, bot));
        var report = await teamSpace.EraseAsync("ana", Ct, boss);
        Assert.Equal(1, report.MemoriesErased);
        var left = (await teamSpace.SearchAsync(new MemorySearchQuery("team charter retro", 10, null), Ct, rita)).Hits;
        Assert.Equal([byBot.Memories[0].Memory.Id], left.Select(h => h.Id));

        // Every refusal above that came from inside the tenant is in its audit log; the stranger's is not.
        var audit = await host.Grains.GetGrain<IAuditLogGrain>("acme").ReadAsync(boss, null, 1000, Ct);
        Assert.Contains(audit.Entries, e => e is { Principal: "rita", Action: "memory.add", Outcome: AuditOutcomes.Denied });
        Assert.Contains(audit.Entries, e => e is { Principal: "bot", Action: "memory.search", Outcome: AuditOutcomes.Denied });
        Assert.Contains(audit.Entries, e => e is { Principal: "boss", Action: "space.erase", Outcome: AuditOutcomes.Ok });
        Assert.DoesNotContain(audit.Entries, e => e.Detail?.Contains("charter", StringComparison.Ordinal) == true);
        await Assert.ThrowsAsync<AccessDeniedException>(() => host.Grains.GetGrain<IAuditLogGrain>("acme").ReadAsync(ana, null, 10, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => host.Grains.GetGrain<IAuditLogGrain>("acme").ReadAsync(stranger, null, 10, Ct));
    }

    [Fact]
    public async Task AuditLog_PartitionsAreNumberedWithoutGaps_AcrossSealedSegments_AndReadMergedInOrder()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        await host.Grains.GetGrain<ITenantGrain>("acme").CreateAsync(Caller.ClusterAdmin, "boss", Ct); // governance entry 1
        var governance = host.Grains.GetGrain<IAuditLogGrain>("acme");
        var space = host.Grains.GetGrain<IAuditLogGrain>(AuditLogGrain.SpacePartitionKey("acme", "u:ana"));
        var otherTenant = host.Grains.GetGrain<IAuditLogGrain>(AuditLogGrain.SpacePartitionKey("acme2", "u:ana"));
        const int appended = (2 * IAuditLogGrain.SegmentSize) + 17;
        for (var i = 0; i < appended; i++)
        {
            await governance.AppendAsync("boss", "principal.create", "user:u" + i, AuditOutcomes.Ok, null, Ct);
            if (i % 3 == 0)
            {
                await space.AppendAsync("ana", "memory.add", "memory:u:ana/" + i, AuditOutcomes.Ok, null, Ct);
                await otherTenant.AppendAsync("ana", "memory.add", "memory:u:ana/" + i, AuditOutcomes.Ok, null, Ct);
            }

            host.Time.Advance(TimeSpan.FromMilliseconds(7));
        }

        await host.DeactivateIdleAsync();
        var seen = new List<AuditEntry>();
        string? after = null;
        for (var page = 0; page < 100; page++)
        {
            var next = await governance.ReadAsync(AdminOf("acme", "boss"), after, 50, Ct);
            seen.AddRange(next.Entries);
            if (next.Next is not { } more)
            {
                break;
            }

            after = more;
        }

        // Every entry of the tenant once (not the other tenant whose name starts with this one's), merged in time order.
        var spaceEntries = (appended + 2) / 3;
        Assert.Equal(appended + 1 + spaceEntries, seen.Count);
        Assert.Equal(Enumerable.Range(1, appended + 1).Select(i => (long)i), seen.Where(e => e.Partition is null).Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, spaceEntries).Select(i => (long)i), seen.Where(e => e.Partition == "u:ana").Select(e => e.Sequence));
        Assert.Equal("tenant.create", seen[0].Action);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.Time <= p.Second.Time));
        var segments = 0;
        await foreach (var _ in host.Service<IGrainStateQuery>().ScanAsync<AuditSegment>(AuditSegmentGrain.GrainTypeName, AuditSegmentGrain.StateName, "acme/", Ct))
        {
            segments++;
        }

        Assert.Equal(2, segments);
        await Assert.ThrowsAsync<ArgumentException>(() => governance.ReadAsync(AdminOf("acme", "boss"), "not-a-cursor", 10, Ct));
    }

    private static Caller AdminOf(string tenant, string name) => new(tenant, name, TenantRole.Admin);

    private static async Task<string> StoredAsync(GrainTestHost host, string grainType, string stateName, string key)
    {
        var builder = new StringBuilder();
        await foreach (var row in host.Service<IGrainStateQuery>().ScanAsync<TenantState>(grainType, stateName, key, Ct))
        {
            builder.Append(System.Text.Json.JsonSerializer.Serialize(row.State));
        }

        return builder.ToString();
    }
}
