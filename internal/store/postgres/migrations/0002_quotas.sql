-- Quota state the nodes share (store.QuotaStore): for each X-Ray sampling
-- rule, the clients its reservoir is split among and the quotas they hold.
-- A row is changed only under its row lock, so the nodes hand out quotas
-- one after the other. UNLOGGED: the state is not durable data, it need
-- not cost a WAL flush per change; a crash of the server empties the table
-- and the reservoirs are shared afresh.

CREATE UNLOGGED TABLE quota_states (
	project    text COLLATE "C" NOT NULL,
	kind       text COLLATE "C" NOT NULL,
	name       text COLLATE "C" NOT NULL,
	state      bytea NOT NULL,
	expires_ns bigint NOT NULL, -- the state is void from then on
	PRIMARY KEY (project, kind, name)
);
