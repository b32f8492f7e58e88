using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace MemOS.Runtime.Postgres;

/// <summary>
/// The MemOS schema in one PostgreSQL database: the versioned migrations embedded from <c>Postgres/Migrations/*.sql</c>
/// and the code that applies them. Every component on the database (grain storage now, cluster membership next) shares
/// this one version sequence, recorded in <c>memos_schema_version</c>, so that whichever starts first brings the whole
/// schema up to date.
/// </summary>
/// <remarks>
/// Migrations run in one transaction holding a transaction-scoped advisory lock (<see cref="MigrationLockKey"/>):
/// silos starting at once queue on the lock, and each one after the first finds the work done. PostgreSQL DDL is
/// transactional, so a failed migration leaves the database at its previous version. A released migration file is
/// never edited: databases in the field already ran it; changes go in a new file with the next number.
/// </remarks>
internal static partial class PostgresSchema
{
    /// <summary>The <c>pg_advisory_xact_lock</c> key that serializes migrations on one database (ASCII <c>MemOSmig</c>).</summary>
    public const long MigrationLockKey = 0x4D656D4F536D6967;

    private const string ResourcePrefix = "MemOS.Runtime.Postgres.Migrations.";

    /// <summary>The migrations of this build, in version order.</summary>
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = LoadEmbeddedMigrations();

    /// <summary>The schema version this build migrates to.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>Brings the database up to the last of <paramref name="migrations"/>.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="migrations">The migrations, in version order (<see cref="Migrations"/> outside tests).</param>
    /// <param name="timeProvider">The clock for <c>applied_at</c>.</param>
    /// <param name="logger">Where an applied migration is logged.</param>
    /// <param name="timeout">How long waiting for another silo's migration and running the migrations may take.</param>
    /// <param name="cancellationToken">Cancels the migration (it rolls back).</param>
    /// <returns>The version the database had before; greater than the last migration's when the database was written
    /// by a newer build, in which case nothing was changed.</returns>
    /// <exception cref="NpgsqlException">The database failed or could not be reached.</exception>
    public static async Task<int> MigrateAsync(
        NpgsqlDataSource dataSource,
        IReadOnlyList<PostgresMigration> migrations,
        TimeProvider timeProvider,
        ILogger logger,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var timeoutSeconds = (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, int.MaxValue);
        var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Taken before anything is read or created: two concurrent CREATE TABLE IF NOT EXISTS can still collide.
        await ExecuteAsync(connection, transaction, timeoutSeconds, "SELECT pg_advisory_xact_lock(@key);",
            new NpgsqlParameter<long>("key", NpgsqlDbType.Bigint) { TypedValue = MigrationLockKey }, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, timeoutSeconds, """
            CREATE TABLE IF NOT EXISTS memos_schema_version (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL
            );
            """, null, cancellationToken).ConfigureAwait(false);

        int current;
        await using (var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM memos_schema_version;", connection, transaction))
        {
            command.CommandTimeout = timeoutSeconds;
            current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        if (current >= latest)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return current;
        }

        foreach (var migration in migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, timeoutSeconds, migration.Sql, null, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand(
                "INSERT INTO memos_schema_version (version, name, applied_at) VALUES (@version, @name, @applied);", connection, transaction);
            record.CommandTimeout = timeoutSeconds;
            record.Parameters.Add(new NpgsqlParameter<int>("version", NpgsqlDbType.Integer) { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string>("name", NpgsqlDbType.Text) { TypedValue = migration.Name });
            record.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("applied", NpgsqlDbType.TimestampTz) { TypedValue = timeProvider.GetUtcNow() });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogInformationSchemaMigrated(logger, connection.Database, current, latest);
        return current;
    }

    /// <summary>Parses migration resources named <c>NNNN_name.sql</c> into contiguous versions from 1.</summary>
    /// <exception cref="InvalidOperationException">A name does not parse, or versions repeat or leave a gap (a build
    /// mistake, caught by the tests).</exception>
    internal static IReadOnlyList<PostgresMigration> Parse(IEnumerable<(string FileName, string Sql)> files)
    {
        var migrations = new List<PostgresMigration>();
        foreach (var (fileName, sql) in files)
        {
            var match = MigrationFileName().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException($"The migration file name '{fileName}' is not NNNN_name.sql.");
            }

            migrations.Add(new PostgresMigration(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture), match.Groups["name"].Value, sql));
        }

        migrations.Sort(static (x, y) => x.Version.CompareTo(y.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL migrations must be numbered 1, 2, 3... without gaps or repeats; found version {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }

    private static IReadOnlyList<PostgresMigration> LoadEmbeddedMigrations()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(static name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return (name[ResourcePrefix.Length..], reader.ReadToEnd());
            })
            .ToList();
        var migrations = Parse(files);
        return migrations.Count > 0
            ? migrations
            : throw new InvalidOperationException($"No PostgreSQL migrations are embedded in {assembly.GetName().Name} (resources {ResourcePrefix}*.sql).");
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int timeoutSeconds, string sql, NpgsqlParameter? parameter,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.CommandTimeout = timeoutSeconds;
        if (parameter is not null)
        {
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_(?<name>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex MigrationFileName();

    [LoggerMessage(EventId = 1121, Level = LogLevel.Information,
        Message = "Migrated the MemOS schema of PostgreSQL database {Database} from version {FromVersion} to {ToVersion}")]
    private static partial void LogInformationSchemaMigrated(ILogger logger, string database, int fromVersion, int toVersion);
}
