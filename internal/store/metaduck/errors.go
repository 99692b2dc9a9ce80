package metaduck

// errorsDDL creates the error-tracking metadata: projects, hashed access
// tokens, items, occurrences and deploys. Occurrences live here (not yet in the
// day-partitioned telemetry store); DeleteOccurrencesBefore is their
// retention. Times are integer Unix nanoseconds (0: unset); an item's
// environments are joined by newlines. No UNIQUE constraints: uniqueness of
// (project, fingerprint), (project, counter) and (project, uuid) is kept by
// the serialised writer, which avoids DuckDB's eager constraint checks on
// rows updated in the transaction that inserted them.
func errorsDDL() []string {
	return []string{
		`CREATE SEQUENCE IF NOT EXISTS err_project_ids START 1`,
		`CREATE TABLE IF NOT EXISTS err_projects (
			id BIGINT NOT NULL, name VARCHAR NOT NULL, created_ns BIGINT NOT NULL)`,
		// The open default project always exists, with id 1.
		`INSERT INTO err_projects SELECT nextval('err_project_ids'), 'default', epoch_ns(now())
			WHERE NOT EXISTS (SELECT 1 FROM err_projects WHERE name = 'default')`,
		`CREATE TABLE IF NOT EXISTS err_tokens (
			hash VARCHAR NOT NULL, project VARCHAR NOT NULL, name VARCHAR NOT NULL,
			scopes VARCHAR NOT NULL, created_ns BIGINT NOT NULL)`,
		`CREATE SEQUENCE IF NOT EXISTS err_item_ids START 1`,
		`CREATE TABLE IF NOT EXISTS err_items (
			id BIGINT NOT NULL, project VARCHAR NOT NULL, project_id BIGINT NOT NULL,
			counter BIGINT NOT NULL, fingerprint VARCHAR NOT NULL, title VARCHAR NOT NULL,
			level TINYINT NOT NULL, status VARCHAR NOT NULL, environment VARCHAR NOT NULL,
			environments VARCHAR NOT NULL, platform VARCHAR NOT NULL, framework VARCHAR NOT NULL,
			first_occurrence_id BIGINT NOT NULL, first_seen_ns BIGINT NOT NULL,
			last_occurrence_id BIGINT NOT NULL, last_seen_ns BIGINT NOT NULL,
			total BIGINT NOT NULL, last_activated_ns BIGINT NOT NULL, last_resolved_ns BIGINT NOT NULL,
			resolved_in_version VARCHAR NOT NULL, activating_occurrence_id BIGINT NOT NULL,
			level_lock BOOLEAN NOT NULL, title_lock BOOLEAN NOT NULL, notifier_level VARCHAR NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS err_items_fp ON err_items (project, fingerprint)`,
		`CREATE SEQUENCE IF NOT EXISTS err_occurrence_ids START 1`,
		`CREATE TABLE IF NOT EXISTS err_occurrences (
			id BIGINT NOT NULL, project VARCHAR NOT NULL, item_id BIGINT NOT NULL,
			uuid VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, ts_ns BIGINT NOT NULL,
			received_ns BIGINT NOT NULL, environment VARCHAR NOT NULL, level TINYINT NOT NULL,
			platform VARCHAR NOT NULL, language VARCHAR NOT NULL, framework VARCHAR NOT NULL,
			code_version VARCHAR NOT NULL, context VARCHAR NOT NULL, title VARCHAR NOT NULL,
			class VARCHAR NOT NULL, message VARCHAR NOT NULL, trace_id VARCHAR NOT NULL,
			notifier VARCHAR NOT NULL, notifier_level VARCHAR NOT NULL, data VARCHAR NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS err_occ_uuid ON err_occurrences (project, uuid)`,
		`CREATE INDEX IF NOT EXISTS err_occ_item ON err_occurrences (item_id)`,
		`CREATE INDEX IF NOT EXISTS err_occ_trace ON err_occurrences (trace_id)`,
		`CREATE SEQUENCE IF NOT EXISTS err_deploy_ids START 1`,
		`CREATE TABLE IF NOT EXISTS err_deploys (
			id BIGINT NOT NULL, project VARCHAR NOT NULL, project_id BIGINT NOT NULL,
			environment VARCHAR NOT NULL, revision VARCHAR NOT NULL, rollbar_username VARCHAR NOT NULL,
			local_username VARCHAR NOT NULL, comment VARCHAR NOT NULL, status VARCHAR NOT NULL,
			start_ns BIGINT NOT NULL, finish_ns BIGINT NOT NULL)`,
	}
}
