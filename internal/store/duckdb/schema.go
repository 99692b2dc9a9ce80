package duckdb

import (
	"fmt"
	"lookout/internal/store/rowcodec"
	"strings"
)

// Every partition file holds the tables spans, logs and metrics with the
// columns below. The appender fills columns by position, so the columns() lists in
// write_encode.go follow this order exactly (the appender checks each
// column's type before writing).
//
// Choices: ids as BIGINT (see codec.go); times as integer nanoseconds (no
// TIMESTAMP_NS, to stay portable to old ClickHouse); attributes as parallel
// key/value/type lists (see values.go), usable for filtering and GROUP BY on
// any attribute without a MAP type (again for ClickHouse) and stored once.
// Resource columns repeat on every row; DuckDB's dictionary compression
// stores each distinct value once per segment.
const spansDDL = `(
	project        VARCHAR,
	trace_hi       BIGINT,
	trace_lo       BIGINT,
	span_id        BIGINT,
	parent_span_id BIGINT,
	start_ns       BIGINT,
	end_ns         BIGINT,
	duration_ns    BIGINT,
	service        VARCHAR,
	name           VARCHAR,
	kind           INTEGER,
	status_code    INTEGER,
	status_message VARCHAR,
	trace_state    VARCHAR,
	flags          UINTEGER,
	attr_keys      VARCHAR[],
	attr_values    VARCHAR[],
	attr_types     UTINYINT[],
	attr_nested    VARCHAR,
	dropped_attrs  UINTEGER,
	events_json    VARCHAR,
	dropped_events UINTEGER,
	links_json     VARCHAR,
	dropped_links  UINTEGER,
	res_keys       VARCHAR[],
	res_values     VARCHAR[],
	res_types      UTINYINT[],
	res_nested     VARCHAR,
	res_dropped    UINTEGER,
	res_schema_url VARCHAR,
	scope_name     VARCHAR,
	scope_version  VARCHAR,
	scope_json     VARCHAR
)`

const logsDDL = `(
	project         VARCHAR,
	time_ns         BIGINT,
	observed_ns     BIGINT,
	severity_number INTEGER,
	severity_text   VARCHAR,
	body_type       UTINYINT,
	body_text       VARCHAR,
	body_nested     VARCHAR,
	event_name      VARCHAR,
	trace_hi        BIGINT,
	trace_lo        BIGINT,
	span_id         BIGINT,
	flags           UINTEGER,
	log_group       VARCHAR,
	log_stream      VARCHAR,
	service         VARCHAR,
	attr_keys       VARCHAR[],
	attr_values     VARCHAR[],
	attr_types      UTINYINT[],
	attr_nested     VARCHAR,
	dropped_attrs   UINTEGER,
	res_keys        VARCHAR[],
	res_values      VARCHAR[],
	res_types       UTINYINT[],
	res_nested      VARCHAR,
	res_dropped     UINTEGER,
	res_schema_url  VARCHAR,
	scope_name      VARCHAR,
	scope_version   VARCHAR,
	scope_json      VARCHAR
)`

// Views over every attached partition: queries read all_spans, all_logs
// and all_metrics. The empty in-memory tables keep the views valid when no
// partition exists.
const (
	spansView   = "all_spans"
	logsView    = "all_logs"
	metricsView = "all_metrics"
)

// createTables returns the statements that create the tables in catalog db.
// Partitions written before a table existed get it when attached.
func createTables(db string) []string {
	return []string{
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.main.spans %s", db, spansDDL),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.main.logs %s", db, logsDDL),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.main.metrics %s", db, metricsDDL),
	}
}

// createMain creates the empty in-memory tables the views start from.
func createMain() []string {
	return []string{
		"CREATE TABLE IF NOT EXISTS catalog.main.empty_spans " + spansDDL,
		"CREATE TABLE IF NOT EXISTS catalog.main.empty_logs " + logsDDL,
		"CREATE TABLE IF NOT EXISTS catalog.main.empty_metrics " + metricsDDL,
		"CREATE TABLE IF NOT EXISTS catalog.main.empty_trace_index " + traceIndexDDL,
	}
}

// viewStatements returns the statements that point the views at the given
// partition catalogs.
func viewStatements(catalogs []string) []string {
	build := func(view, table, empty string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "CREATE OR REPLACE VIEW catalog.main.%s AS SELECT * FROM catalog.main.%s", view, empty)
		for _, c := range catalogs {
			fmt.Fprintf(&b, " UNION ALL SELECT * FROM %s.main.%s", c, table)
		}
		return b.String()
	}
	// The trace index view names each row's partition, so that a lookup
	// reads the spans of those partitions only.
	var idx strings.Builder
	fmt.Fprintf(&idx, "CREATE OR REPLACE VIEW catalog.main.%s AS SELECT '' AS part, * FROM catalog.main.empty_trace_index", traceIndexView)
	for _, c := range catalogs {
		for _, table := range []string{traceIndexTable, traceSortedTable} {
			fmt.Fprintf(&idx, " UNION ALL SELECT '%s' AS part, * FROM %s.main.%s", c, c, table)
		}
	}
	return []string{
		build(spansView, "spans", "empty_spans"),
		build(logsView, "logs", "empty_logs"),
		build(metricsView, "metrics", "empty_metrics"),
		idx.String(),
	}
}

// Column lists for reads that rebuild model values.
var (
	spanReadColumns = rowcodec.SpanColumns("nested")
	logReadColumns  = rowcodec.LogColumns("nested")
)
