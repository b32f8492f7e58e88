-- Cluster membership: one row per silo process start. A silo inserts itself as 'joining', becomes 'active' once it
-- serves, writes heartbeat_at every heartbeat interval, and goes 'shutting_down' then deletes its row when it stops
-- gracefully. A silo whose heartbeat is older than the death timeout is set to 'dead' by another silo, in one
-- conditional UPDATE (see PostgresClusterMembership), so of several silos noticing it at once exactly one declares it.
-- Times come from the silos' clocks (they must agree to well within the death timeout).
CREATE TABLE memos_silo_membership (
    silo_id           text COLLATE "C" PRIMARY KEY,
    endpoint          text NOT NULL,
    status            text NOT NULL CHECK (status IN ('joining', 'active', 'shutting_down', 'dead')),
    generation        bigint NOT NULL,
    started_at        timestamptz NOT NULL,
    heartbeat_at      timestamptz NOT NULL,
    status_changed_at timestamptz NOT NULL,
    declared_dead_by  text NULL,
    version           text NOT NULL
);

-- Cluster-wide settings every silo reads at join; today the generated cluster secret of the internal routes, used
-- when MemOS:Cluster:Secret is not configured.
CREATE TABLE memos_cluster_settings (
    name  text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);
