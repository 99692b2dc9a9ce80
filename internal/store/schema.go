package store

// SchemaState is where the versioned schema of a store stands.
type SchemaState struct {
	Version int      // the last migration applied
	Applied []string // the migrations opening the store applied, in order ("0002_metrics")
}

// Migrated is implemented by the stores whose schema is built by numbered
// migrations, which opening the store applies.
type Migrated interface {
	// Schema reports the schema's version and what the open applied.
	Schema() SchemaState
}
