using Microsoft.Data.Sqlite;

namespace MemOS.Runtime.Storage;

public sealed partial class SqliteGrainStorage
{
    // Append only: a released migration is never edited, since databases in the field already ran it.
    private static readonly (int Version, string Sql)[] Migrations =
    [
        (1, """
            CREATE TABLE grain_state (
                grain_type TEXT NOT NULL,
                state_name TEXT NOT NULL,
                grain_key  TEXT NOT NULL,
                payload    BLOB NOT NULL,
                etag       TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (grain_type, state_name, grain_key)
            );
            """),
    ];

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            // WAL is a property of the database file, so setting it once here covers every later connection.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS memos_schema_version (
                    version    INTEGER NOT NULL PRIMARY KEY,
                    applied_at INTEGER NOT NULL
                );
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) takes the write lock before reading the version, so two
        // processes starting on one file cannot both apply the same migration.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int current;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM memos_schema_version;";
            current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > LatestSchemaVersion)
        {
            throw new GrainStorageException(
                $"The SQLite grain storage database {connection.DataSource} has schema version {current}, newer than the " +
                $"{LatestSchemaVersion} this build supports; upgrade MemOS or point it at another file.",
                innerException: null,
                isTransient: false);
        }

        foreach (var (version, sql) in Migrations)
        {
            if (version <= current)
            {
                continue;
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql + "\nINSERT INTO memos_schema_version (version, applied_at) VALUES ($version, $applied);";
            command.Parameters.AddWithValue("$version", version);
            command.Parameters.AddWithValue("$applied", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (current < LatestSchemaVersion)
        {
            LogInformationSchemaMigrated(_logger, connection.DataSource, current, LatestSchemaVersion);
        }
    }
}
