namespace MemOS.Runtime.Postgres;

/// <summary>One versioned step of the MemOS PostgreSQL schema.</summary>
/// <param name="Version">The schema version the step produces (1, 2, ...; contiguous).</param>
/// <param name="Name">A short name, recorded with the version (from the file name: <c>0001_grain_state.sql</c> is
/// version 1, <c>grain_state</c>).</param>
/// <param name="Sql">The statements, run in the migration's transaction.</param>
internal sealed record PostgresMigration(int Version, string Name, string Sql);
