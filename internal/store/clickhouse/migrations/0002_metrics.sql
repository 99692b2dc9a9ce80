-- Metric points, one row per OTLP data point; the metric's description,
-- unit, type and metadata repeat on every row, like the resource. Values:
-- value is a gauge's or sum's number as a double (NULL when the sender set
-- none), value_int the exact integer when value_kind says the sender sent
-- one (model.NumberKind); count, sum, min and max those of histograms and
-- summaries (sum, min and max NULL when absent); bounds and bucket_counts
-- those of explicit-bucket histograms; exp_* those of exponential
-- histograms; quantiles and quantile_values, in parallel, those of
-- summaries. Columns of other types stay zero or empty. Exemplars and the
-- metric's metadata are JSON (rowcodec), '' when none. Attribute lists and
-- times as in 0001; partitioned by the UTC day of the point's time.

CREATE TABLE IF NOT EXISTS metrics (
    project            String,
    service            String,
    time_ns            Int64,
    start_ns           Int64,
    name               String,
    description        String,
    unit               String,
    type               UInt8,
    temporality        UInt8,
    monotonic          UInt8,
    metadata_json      String,
    flags              UInt32,
    value_kind         UInt8,
    value              Nullable(Float64),
    value_int          Int64,
    count              UInt64,
    sum                Nullable(Float64),
    min                Nullable(Float64),
    max                Nullable(Float64),
    bounds             Array(Float64),
    bucket_counts      Array(UInt64),
    exp_scale          Int32,
    exp_zero_count     UInt64,
    exp_zero_threshold Float64,
    exp_pos_offset     Int32,
    exp_pos_counts     Array(UInt64),
    exp_neg_offset     Int32,
    exp_neg_counts     Array(UInt64),
    quantiles          Array(Float64),
    quantile_values    Array(Float64),
    exemplars_json     String,
    attr_keys          Array(String),
    attr_values        Array(String),
    attr_types         Array(UInt8),
    attr_json          Array(String),
    res_keys           Array(String),
    res_values         Array(String),
    res_types          Array(UInt8),
    res_json           Array(String),
    res_dropped        UInt32,
    res_schema_url     String,
    scope_name         String,
    scope_version      String,
    scope_json         String
) ENGINE = MergeTree()
PARTITION BY toUInt32(intDiv(greatest(time_ns, 0), 86400000000000))
ORDER BY (project, name, time_ns)
SETTINGS index_granularity = 8192;
