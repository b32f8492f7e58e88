using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace MemOS.Testing;

/// <summary>
/// A throwaway PostgreSQL server for integration tests: <c>initdb</c> into a temporary folder, then <c>pg_ctl start</c>
/// on 127.0.0.1 with a free port, trust authentication, no Unix socket and no fsync; stopped and deleted on dispose.
/// </summary>
/// <remarks>
/// <para>The tests start it themselves, so that <c>./memos test</c>, a bare <c>dotnet test</c> and an IDE run the same
/// way; <see cref="SharedAsync"/> starts one per test process on first use and stops it when the process exits.
/// Set <c>MEMOS_TEST_POSTGRES</c> to an existing server's connection string (a role that may create databases) to use
/// that instead.</para>
/// <para>initdb refuses to run as root, so as root the server runs as the <c>postgres</c> OS user (through
/// <c>runuser</c>). pg_ctl detaches the server, so it would outlive a test process that is killed; a watchdog started
/// with it (<c>setsid</c>, out of the test process's tree) stops the server and deletes its folder within a second or
/// two of the owning process going away, however it went (killed included).</para>
/// <para>When no server can be started (no binaries, root without a <c>postgres</c> user...),
/// <see cref="PostgresUnavailableException"/> says why; tests turn that into a skip with the reason.</para>
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>An existing server's connection string to use instead of starting one.</summary>
    public const string ConnectionStringVariable = "MEMOS_TEST_POSTGRES";

    /// <summary>The folder of <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>, when not the default.</summary>
    public const string BinDirectoryVariable = "MEMOS_TEST_POSTGRES_BIN";

    private const string OsUser = "postgres";
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync);

    private readonly string? _binDirectory;
    private readonly string? _directory;
    private readonly bool _runAsPostgresUser;
    private bool _running;

    private PostgresServer(string adminConnectionString, int port, string? binDirectory, string? directory, bool runAsPostgresUser)
    {
        AdminConnectionString = adminConnectionString;
        Port = port;
        _binDirectory = binDirectory;
        _directory = directory;
        _runAsPostgresUser = runAsPostgresUser;
        _running = true;
    }

    /// <summary>A superuser connection string to the <c>postgres</c> database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The TCP port on 127.0.0.1 (that of <c>MEMOS_TEST_POSTGRES</c> when set).</summary>
    public int Port { get; }

    /// <summary>Whether this is a server the tests did not start (<c>MEMOS_TEST_POSTGRES</c>); it cannot be stopped.</summary>
    public bool IsExternal => _directory is null;

    private string DataDirectory => Path.Combine(_directory!, "data");

    /// <summary>The server shared by the whole test process: started on the first call, stopped at process exit.</summary>
    /// <returns>The running server.</returns>
    /// <exception cref="PostgresUnavailableException">No server could be started; the message says why.</exception>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    /// <summary>Starts a server of the caller's own (to stop and restart it, say); dispose it to stop it.</summary>
    /// <returns>The running server.</returns>
    /// <exception cref="PostgresUnavailableException">No server could be started; the message says why.</exception>
    public static async Task<PostgresServer> StartAsync()
    {
        var binDirectory = FindBinDirectory();
        var runAsPostgresUser = Environment.IsPrivilegedProcess;
        if (runAsPostgresUser && !OsUserExists(OsUser))
        {
            throw new PostgresUnavailableException(
                "PostgreSQL cannot run as root and there is no 'postgres' OS user to run it as (the postgresql-15 package creates it).");
        }

        var directory = Directory.CreateTempSubdirectory("memos-postgres-").FullName;
        try
        {
            if (runAsPostgresUser)
            {
                await RunAsync("chown", [OsUser, directory]);
            }

            var server = new PostgresServer(string.Empty, 0, binDirectory, directory, runAsPostgresUser);

            // Before anything runs: pg_ctl and initdb, children of this process, outlive it if it is killed midway.
            server.StartWatchdog();
            await server.RunToolAsync("initdb",
                ["-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);

            // A free port can be taken between the probe and the start; then the start fails and another port is tried.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                try
                {
                    var started = new PostgresServer(AdminConnection(port), port, binDirectory, directory, runAsPostgresUser);
                    await started.StartServerAsync();
                    return started;
                }
                catch (PostgresUnavailableException) when (attempt < 3)
                {
                }
            }
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>Creates a database with a random name (<c>memos_test_...</c>) whose default collation is ICU
    /// <c>en-US</c> where the server supports it, as on a production server, so that code relying on byte order has to
    /// ask for it.</summary>
    /// <returns>The database name and a connection string to it.</returns>
    public async Task<(string Name, string ConnectionString)> CreateDatabaseAsync()
    {
        var name = "memos_test_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        try
        {
            await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US';");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.InvalidParameterValue
                                              or PostgresErrorCodes.SyntaxError or PostgresErrorCodes.UndefinedObject)
        {
            await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8';");
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true };
        return (name, builder.ConnectionString);
    }

    /// <summary>Drops a database, closing the sessions still connected to it.</summary>
    /// <param name="name">The database name from <see cref="CreateDatabaseAsync"/>.</param>
    /// <returns>A task that completes when the database is gone.</returns>
    public async Task DropDatabaseAsync(string name)
    {
        if (!_running)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);");
    }

    /// <summary>Stops the server (fast shutdown: sessions are closed) and keeps its data for <see cref="RestartAsync"/>.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="InvalidOperationException">The server is external.</exception>
    public async Task StopAsync()
    {
        if (IsExternal)
        {
            throw new InvalidOperationException("An external server (MEMOS_TEST_POSTGRES) is not the tests' to stop.");
        }

        if (_running)
        {
            _running = false;
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
        }
    }

    /// <summary>Starts a stopped server again on the same port and data.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <exception cref="InvalidOperationException">The server is external.</exception>
    public async Task RestartAsync()
    {
        if (IsExternal)
        {
            throw new InvalidOperationException("An external server (MEMOS_TEST_POSTGRES) is not the tests' to restart.");
        }

        if (!_running)
        {
            await StartServerAsync();
        }
    }

    /// <summary>Stops the server and deletes its folder (nothing for an external server).</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (IsExternal)
        {
            return;
        }

        if (_running)
        {
            _running = false;
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }

        TryDelete(_directory!);
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var builder = new NpgsqlConnectionStringBuilder(external);
            return new PostgresServer(external, builder.Port, null, null, runAsPostgresUser: false);
        }

        var server = await StartAsync();

        // The test host exits normally after the last test; the watchdog covers the other ways out.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    private static string AdminConnection(int port) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Database = "postgres",
        Pooling = false,
        Timeout = 10,
    }.ConnectionString;

    private static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        string[] candidates = !string.IsNullOrWhiteSpace(configured)
            ? [configured]
            : ["/usr/lib/postgresql/15/bin", .. Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Order(StringComparer.Ordinal).Reverse().Select(static d => Path.Combine(d, "bin"))
                : []];
        return candidates.FirstOrDefault(static d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new PostgresUnavailableException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) in {string.Join(", ", candidates)}: install postgresql-15 " +
                $"(./memos test does, as root), set {BinDirectoryVariable} to their folder, or set {ConnectionStringVariable} to a server's connection string.");
    }

    private static bool OsUserExists(string user)
        => File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(user + ":", StringComparison.Ordinal));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private async Task StartServerAsync()
    {
        // pg_ctl hands -o to a shell, hence the quoting of the empty socket directory (TCP only).
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off " +
                      "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        try
        {
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_directory!, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
        }
        catch (PostgresUnavailableException e)
        {
            var log = Path.Combine(_directory!, "server.log");
            throw new PostgresUnavailableException(e.Message + (File.Exists(log) ? "\nserver log:\n" + await File.ReadAllTextAsync(log) : ""));
        }

        _running = true;
    }

    private void StartWatchdog()
    {
        // The owner is alive while /proc/<pid>/stat exists, is not a zombie (kill -0 succeeds on one, and a killed
        // process whose parent is gone may stay one where PID 1 does not reap) and has the start time read now (so a
        // reused pid does not count). Field 22 of stat is the start time; fields are counted after the ") " that ends
        // the command name, which may itself hold spaces. The pause after lets a pg_ctl start the owner left running
        // finish, so that the stop finds the server.
        var stat = File.ReadAllText("/proc/self/stat");
        var startTime = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        var stop = Command(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "stop"]);
        var script = $$"""
            exec </dev/null >/dev/null 2>&1
            alive() { s=$(cat /proc/{{Environment.ProcessId}}/stat) || return 1; s=${s##*) }; set -- $s; [ "$1" != Z ] && [ "${20}" = "{{startTime}}" ]; }
            while alive; do sleep 1; done
            sleep 2
            {{string.Join(' ', stop.Select(Quote))}}
            rm -rf {{Quote(_directory!)}}
            """;
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["-f", "sh", "-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var command = Command(Path.Combine(_binDirectory!, tool), arguments);
        return RunAsync(command[0], command.Skip(1).ToArray());
    }

    private List<string> Command(string executable, IReadOnlyList<string> arguments)
        => _runAsPostgresUser ? ["runuser", "-u", OsUser, "--", executable, .. arguments] : [executable, .. arguments];

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task RunAsync(string executable, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PostgresUnavailableException($"{executable} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PostgresUnavailableException($"{executable} could not be run: {e.Message}");
        }

        using (process)
        {
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new PostgresUnavailableException($"{executable} {string.Join(' ', arguments)} did not finish in 90 s.");
            }

            if (process.ExitCode != 0)
            {
                throw new PostgresUnavailableException(
                    $"{executable} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{Output(output)}");
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Output(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
