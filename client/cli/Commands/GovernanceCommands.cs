using System.CommandLine;
using System.Text.Json;
using MemOS.Grains.Interfaces.Governance;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary>Tenancy as commands: <c>tenant create</c>, <c>user add|list|erase</c>, <c>key revoke</c>,
/// <c>space create|list|erase</c>, <c>grant</c>, <c>revoke-grant</c>, <c>audit</c>. Each talks to a running silo with the
/// key of <c>MEMOS_API_KEY</c> (or <c>MEMOS_ADMIN_KEY</c>) and prints the answer as JSON; a new key is shown once.</summary>
internal static class GovernanceCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Group("tenant", "Tenants (needs the cluster admin key).", TenantCreate());
        yield return Group("user", "A tenant's users and agents (needs a tenant admin key).", UserAdd(), UserList(), UserErase());
        yield return Group("key", "API keys.", KeyRevoke());
        yield return Group("space", "Shared spaces.", SpaceCreate(), SpaceList(), SpaceErase());
        yield return Grant();
        yield return RevokeGrant();
        yield return Audit();
    }

    private static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            group.Subcommands.Add(subcommand);
        }

        return group;
    }

    private static Option<string> Required(string name, string description) => new(name) { Description = description, Required = true };

    private static Command Run<T>(string name, string description, Option[] options, Func<ParseResult, MemOS.Client.MemOSClient, CancellationToken, Task<T>> action)
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var command = new Command(name, description) { silo };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var result = await action(r, client, ct);
            Console.WriteLine(result is null ? "done" : JsonSerializer.Serialize(result, MemoryCommands.PrettyJson));
            return 0;
        }));
        return command;
    }

    private static Command TenantCreate()
    {
        var tenant = Required("--tenant", "The tenant name.");
        var admin = new Option<string>("--admin") { Description = "Its first user (an admin).", DefaultValueFactory = _ => "admin" };
        return Run("create", "Create a tenant and its first admin user; prints the admin's API key (shown once).", [tenant, admin],
            (r, c, ct) => c.CreateTenantAsync(r.GetValue(tenant)!, r.GetValue(admin)!, ct));
    }

    private static Command UserAdd()
    {
        var tenant = Required("--tenant", "The tenant.");
        var name = Required("--name", "The user's or agent's name.");
        var role = new Option<TenantRole>("--role") { Description = "admin, member or reader.", DefaultValueFactory = _ => TenantRole.Member };
        var agent = new Option<bool>("--agent") { Description = "Add an agent rather than a user." };
        return Run("add", "Add a user or agent; prints its API key (shown once).", [tenant, name, role, agent],
            (r, c, ct) => c.AddPrincipalAsync(r.GetValue(tenant)!,
                new CreatePrincipalRequest(r.GetValue(name), r.GetValue(role), r.GetValue(agent) ? PrincipalKind.Agent : PrincipalKind.User), ct));
    }

    private static Command UserList()
    {
        var tenant = Required("--tenant", "The tenant.");
        return Run("list", "List the tenant's users and agents.", [tenant], (r, c, ct) => c.ListPrincipalsAsync(r.GetValue(tenant)!, ct));
    }

    private static Command UserErase()
    {
        var tenant = Required("--tenant", "The tenant.");
        var name = Required("--name", "The user.");
        return Run("erase", "Erase a user: keys, grants, its private space and what it wrote in shared spaces.", [tenant, name],
            (r, c, ct) => c.EraseUserAsync(r.GetValue(tenant)!, r.GetValue(name)!, ct));
    }

    private static Command KeyRevoke()
    {
        var tenant = Required("--tenant", "The tenant.");
        var keyId = Required("--key-id", "The key id (see user list).");
        return Run<object?>("revoke", "Revoke an API key.", [tenant, keyId], async (r, c, ct) =>
        {
            await c.RevokeKeyAsync(r.GetValue(tenant)!, r.GetValue(keyId)!, ct);
            return null;
        });
    }

    private static Command SpaceCreate()
    {
        var space = Required("--space", "The space name.");
        return Run("create", "Create a shared space (you administer it).", [space], (r, c, ct) => c.CreateSpaceAsync(r.GetValue(space)!, ct));
    }

    private static Command SpaceList() => Run("list", "The shared spaces you can read.", [], (r, c, ct) => c.ListSpacesAsync(ct));

    private static Command SpaceErase()
    {
        var space = Required("--space", "The space name.");
        return Run("erase", "Erase a shared space and every memory in it.", [space], (r, c, ct) => c.EraseSpaceAsync(r.GetValue(space)!, ct));
    }

    private static Command Grant()
    {
        var space = Required("--space", "A shared space's name, or u:<user>.");
        var principal = Required("--principal", "A user or agent of the tenant.");
        var right = new Option<SpaceRight>("--right") { Description = "read, write or admin.", Required = true };
        return Run("grant", "Grant a right on a space.", [space, principal, right],
            (r, c, ct) => c.GrantAsync(r.GetValue(space)!, r.GetValue(principal)!, r.GetValue(right), ct));
    }

    private static Command RevokeGrant()
    {
        var space = Required("--space", "The space.");
        var principal = Required("--principal", "The user or agent.");
        return Run("revoke-grant", "Revoke a principal's grant on a space.", [space, principal],
            (r, c, ct) => c.RevokeGrantAsync(r.GetValue(space)!, r.GetValue(principal)!, ct));
    }

    private static Command Audit()
    {
        var after = new Option<string?>("--after") { Description = "The 'next' cursor of the previous page." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-1000).", DefaultValueFactory = _ => 100 };
        return Run("audit", "Read your tenant's audit log (tenant admin).", [after, limit],
            (r, c, ct) => c.GetAuditAsync(r.GetValue(after), r.GetValue(limit), ct));
    }
}
