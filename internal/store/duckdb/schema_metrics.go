package duckdb

// metricsDDL is the table of metric points, one row per OTLP data point.
// The metric's description repeats on every row, like the resource.
//
// Values: value is the number of a gauge or sum as a double (NULL when the
// sender set none), value_int the exact integer when value_kind says the
// sender sent one (model.NumberKind); count, sum, min and max are those of
// histograms and summaries (sum, min and max NULL when absent); bounds and
// bucket_counts those of explicit-bucket histograms; exp_* those of
// exponential histograms; quantiles and quantile_values, in parallel, those
// of summaries. Columns of other types stay zero or empty. Exemplars and
// the metric's metadata are JSON (rowcodec), "" when none.
const metricsDDL = `(
	project            VARCHAR,
	time_ns            BIGINT,
	start_ns           BIGINT,
	service            VARCHAR,
	name               VARCHAR,
	description        VARCHAR,
	unit               VARCHAR,
	type               UTINYINT,
	temporality        UTINYINT,
	monotonic          BOOLEAN,
	metadata_json      VARCHAR,
	flags              UINTEGER,
	value_kind         UTINYINT,
	value              DOUBLE,
	value_int          BIGINT,
	count              UBIGINT,
	sum                DOUBLE,
	min                DOUBLE,
	max                DOUBLE,
	bounds             DOUBLE[],
	bucket_counts      UBIGINT[],
	exp_scale          INTEGER,
	exp_zero_count     UBIGINT,
	exp_zero_threshold DOUBLE,
	exp_pos_offset     INTEGER,
	exp_pos_counts     UBIGINT[],
	exp_neg_offset     INTEGER,
	exp_neg_counts     UBIGINT[],
	quantiles          DOUBLE[],
	quantile_values    DOUBLE[],
	exemplars_json     VARCHAR,
	attr_keys          VARCHAR[],
	attr_values        VARCHAR[],
	attr_types         UTINYINT[],
	attr_nested        VARCHAR,
	res_keys           VARCHAR[],
	res_values         VARCHAR[],
	res_types          UTINYINT[],
	res_nested         VARCHAR,
	res_dropped        UINTEGER,
	res_schema_url     VARCHAR,
	scope_name         VARCHAR,
	scope_version      VARCHAR,
	scope_json         VARCHAR
)`

// metricReadColumns are the columns scanMetric reads.
const metricReadColumns = `project, time_ns, start_ns, name, description, unit, type, temporality, monotonic,
	metadata_json, flags, value_kind, value, value_int, count, sum, min, max, bounds, bucket_counts,
	exp_scale, exp_zero_count, exp_zero_threshold, exp_pos_offset, exp_pos_counts, exp_neg_offset, exp_neg_counts,
	quantiles, quantile_values, exemplars_json,
	attr_keys, attr_values, attr_types, attr_nested,
	res_keys, res_values, res_types, res_nested, res_dropped, res_schema_url,
	scope_name, scope_version, scope_json`
