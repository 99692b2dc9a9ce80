-- Spans, log events and the trace index. Times are Int64 nanoseconds since
-- the epoch; ids are the big-endian halves of the id as Int64 (trace_hi,
-- trace_lo, span_id; 0 is "no id"). An attribute list is four parallel
-- arrays: keys, values as text (for filters and GROUP BY), value kinds
-- (model.ValueKind) and the lossless JSON of array and map values ('' for
-- scalars). Every table is partitioned by the UTC day number of its time,
-- so expiry drops whole partitions.

CREATE TABLE IF NOT EXISTS spans (
    project         String,
    service         String,
    start_ns        Int64,
    end_ns          Int64,
    duration_ns     Int64,
    trace_hi        Int64,
    trace_lo        Int64,
    span_id         Int64,
    parent_span_id  Int64,
    name            String,
    kind            Int32,
    status_code     Int32,
    status_message  String,
    trace_state     String,
    flags           UInt32,
    attr_keys       Array(String),
    attr_values     Array(String),
    attr_types      Array(UInt8),
    attr_json       Array(String),
    dropped_attrs   UInt32,
    event_names     Array(String),
    event_keys      Array(String),
    event_values    Array(String),
    event_types     Array(UInt8),
    events_json     String,
    dropped_events  UInt32,
    links_json      String,
    dropped_links   UInt32,
    res_keys        Array(String),
    res_values      Array(String),
    res_types       Array(UInt8),
    res_json        Array(String),
    res_dropped     UInt32,
    res_schema_url  String,
    scope_name      String,
    scope_version   String,
    scope_json      String
) ENGINE = MergeTree()
PARTITION BY toUInt32(intDiv(greatest(start_ns, 0), 86400000000000))
ORDER BY (project, service, start_ns)
SETTINGS index_granularity = 8192;

-- One row per trace, service and UTC day of each insert: where a trace's
-- spans lie in the spans table. Ordered by trace id, so a lookup reads one
-- granule per part.
CREATE TABLE IF NOT EXISTS trace_index (
    project   String,
    trace_hi  Int64,
    trace_lo  Int64,
    service   String,
    first_ns  Int64,
    last_ns   Int64
) ENGINE = MergeTree()
PARTITION BY toUInt32(intDiv(greatest(first_ns, 0), 86400000000000))
ORDER BY (project, trace_hi, trace_lo)
SETTINGS index_granularity = 1024;

-- Filled by every INSERT into spans, in the same statement.
CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS
SELECT project, trace_hi, trace_lo, service, min(start_ns) AS first_ns, max(start_ns) AS last_ns
FROM spans
GROUP BY project, trace_hi, trace_lo, service, intDiv(greatest(start_ns, 0), 86400000000000);

CREATE TABLE IF NOT EXISTS logs (
    project         String,
    service         String,
    time_ns         Int64,
    observed_ns     Int64,
    severity_number Int32,
    severity_text   String,
    body_type       UInt8,
    body_text       String,
    body_json       String,
    event_name      String,
    trace_hi        Int64,
    trace_lo        Int64,
    span_id         Int64,
    flags           UInt32,
    log_group       String,
    log_stream      String,
    attr_keys       Array(String),
    attr_values     Array(String),
    attr_types      Array(UInt8),
    attr_json       Array(String),
    dropped_attrs   UInt32,
    res_keys        Array(String),
    res_values      Array(String),
    res_types       Array(UInt8),
    res_json        Array(String),
    res_dropped     UInt32,
    res_schema_url  String,
    scope_name      String,
    scope_version   String,
    scope_json      String
) ENGINE = MergeTree()
PARTITION BY toUInt32(intDiv(greatest(time_ns, 0), 86400000000000))
ORDER BY (project, service, time_ns)
SETTINGS index_granularity = 8192;
